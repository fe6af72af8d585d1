import { compile } from "vega-lite";
const arm = { field: "arm", type: "nominal" as const, title: "Arm", scale: { domain: ["refusal","rebuttal"] } };
const spec: any = {
  data: { values: [{panel:"a", arm:"refusal", followup:1, rate:0.2, low:0.1, high:0.3},{panel:"a", arm:"rebuttal", followup:1, rate:0.4, low:0.1, high:0.5},{panel:"a", arm:"refusal", followup:2, rate:0.2, low:0.1, high:0.3}] },
  facet: { row: { field: "panel", type: "nominal" } },
  spec: { width: 100, height: 100, resolve: { legend: { color: "independent" } },
    layer: [
      { mark: { type: "errorband", opacity: 0.12 }, encoding: { x: {field:"followup", type:"ordinal"}, y: {field:"low", type:"quantitative"}, y2: {field:"high"}, color: {...arm, legend: null} } },
      { mark: { type: "line", point: true }, encoding: { x: {field:"followup", type:"ordinal"}, y: {field:"rate", type:"quantitative"}, color: arm, strokeDash: arm, shape: arm } },
    ] },
};
const out = compile(spec).spec as any;
console.log(JSON.stringify(out.legends ?? out.marks?.map((m:any)=>m.legends), null, 0)?.slice(0, 800));

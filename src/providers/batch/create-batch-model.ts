/**
 * Batch models for `models.SPEC.batch: true` (or `--batch`): the synchronous model builds each
 * request body and reads each response body, so a batched call sends and returns exactly what a
 * direct one would. Loaded with the provider's SDK, on the first call.
 */
import {
  AnthropicLanguageModel,
  type AnthropicModelOptions,
} from "../anthropic/anthropic-language-model.ts";
import type { ModelEnvironment } from "../model-environment.ts";
import {
  OpenAIChatLanguageModel,
  type OpenAIChatModelOptions,
} from "../openai/openai-chat-language-model.ts";
import { wireExchange } from "../wire-exchange.ts";
import { AnthropicBatchTransport } from "./anthropic-batch-transport.ts";
import { type BatchTiming, batchTiming } from "./batch-timing.ts";
import { BatchingModel } from "./batching-model.ts";
import { OpenAIBatchTransport } from "./openai-batch-transport.ts";

/** Each batch endpoint call (an upload, a status check) gets this long; the batch itself 24 h. */
const ENDPOINT_CALL_TIMEOUT_MS = 10 * 60_000;

export function createOpenAIBatchModel(
  options: OpenAIChatModelOptions & { baseURL: string },
  environment: ModelEnvironment,
  timing: BatchTiming = batchTiming(environment.env),
): BatchingModel {
  const direct = new OpenAIChatLanguageModel(options);
  return new BatchingModel({
    spec: options.spec,
    endpoint: options.baseURL,
    transport: new OpenAIBatchTransport(options, options.timeoutMs ?? ENDPOINT_CALL_TIMEOUT_MS),
    codec: {
      body: (request) => direct.batchRequestBody(request),
      read: (body, request) => ({
        ...direct.readBatchCompletion(body),
        exchange: wireExchange(direct.batchRequestBody(request), body, secretsOf(options)),
      }),
    },
    timing,
    ledger: environment.batchLedger,
  });
}

export function createAnthropicBatchModel(
  options: AnthropicModelOptions & { baseURL: string },
  environment: ModelEnvironment,
  timing: BatchTiming = batchTiming(environment.env),
): BatchingModel {
  const direct = new AnthropicLanguageModel(options);
  return new BatchingModel({
    spec: options.spec,
    endpoint: options.baseURL,
    transport: new AnthropicBatchTransport(options, options.timeoutMs ?? ENDPOINT_CALL_TIMEOUT_MS),
    codec: {
      body: (request) => direct.batchRequestBody(request),
      read: (body, request) => ({
        ...direct.readBatchMessage(body, request),
        exchange: wireExchange(direct.batchRequestBody(request), body, secretsOf(options)),
      }),
    },
    timing,
    ledger: environment.batchLedger,
  });
}

/** The call's key, kept out of the recorded request and response bodies. */
function secretsOf(options: { apiKey?: string | undefined }): string[] {
  return options.apiKey ? [options.apiKey] : [];
}

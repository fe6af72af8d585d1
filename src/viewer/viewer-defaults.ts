/** Defaults of `candor view`, apart from the server so the CLI can name them without loading it. */
export const LOOPBACK_HOST = "127.0.0.1";
export const DEFAULT_VIEW_PORT = 4747;

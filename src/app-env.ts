// The Hono environment shared by every route: bindings plus the checked configuration.
import type { Bindings, Config } from "./env.ts";

export interface AppEnv {
  Bindings: Bindings;
  Variables: { config: Config; requestId: string };
}

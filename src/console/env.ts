// The Hono environment of the console: the app's, plus the visitor's language and session.
import type { AppEnv } from "../app-env.ts";
import type { Dictionary, Lang } from "./i18n.ts";
import type { Session } from "./session.ts";

export interface ConsoleEnv {
  Bindings: AppEnv["Bindings"];
  Variables: AppEnv["Variables"] & { lang: Lang; t: Dictionary; session: Session | undefined };
}

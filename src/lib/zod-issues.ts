// A zod error as a list the caller can act on: where, and what is expected there.
// zod's messages name types and options, never the rejected value.
import type * as z from "zod";

export interface Issue {
  path: string;
  message: string;
}

export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.slice(0, 20).map((i) => ({
    path: i.path.map(String).join(".") || "(root)",
    message: i.message,
  }));
}

// Reads a JSON request body for the admin API: right content type, bounded size, valid JSON.
import type { Context } from "hono";
import { AppError } from "../errors.ts";
import { mediaType } from "./content-type.ts";
import { readBodyLimited } from "./read-body.ts";

export async function readJsonBody(c: Context, limit = 64 * 1024): Promise<unknown> {
  if (mediaType(c.req.header("content-type")) !== "application/json") throw new AppError("unsupported_media_type", "Content-Type must be application/json.");
  const raw = await readBodyLimited(c.req.raw, limit);
  try {
    return JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw new AppError("invalid_request", "The body is not valid JSON.");
  }
}

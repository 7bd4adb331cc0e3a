// Field types shared by the integrations' configuration slices.
import * as z from "zod";

export const HttpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

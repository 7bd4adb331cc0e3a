// The media type of a Content-Type header, without its parameters, in lower case.

export function mediaType(header: string | null | undefined): string | undefined {
  const type = header?.split(";")[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

// A failure of a service we call (iAdvize, Salesforce, a call-centre platform), with
// what the queue consumer needs to decide: retry later, or record it as final.
// The message is ours and carries no data from the request or the answer.

export type Service = "iadvize" | "salesforce" | "callcentre";

export class UpstreamError extends Error {
  override name = "UpstreamError";
  readonly service: Service;
  readonly code: string;
  readonly retryable: boolean;
  readonly status: number | undefined;

  constructor(service: Service, code: string, message: string, opts: { retryable: boolean; status?: number }) {
    super(message);
    this.service = service;
    this.code = code;
    this.retryable = opts.retryable;
    this.status = opts.status;
  }
}

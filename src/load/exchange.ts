// One request/response of the load generator, driven through undici's dispatch handler interface:
// no response stream or promise per request, which keeps the client cheap at high rates.
//
// It implements the raw handler callbacks (onConnect/onHeaders/onData/onComplete/onError) rather than the
// controller-based ones (onRequestStart/onResponseStart/…): for the latter undici wraps every request in an
// adapter plus controller and parses the response headers and trailers into objects, which at the maximum
// rate costs more client CPU than everything else the generator does per request. Only the status matters
// here, so the raw form is used; both forms are accepted by undici 7's `dispatch`.

import type { Dispatcher } from 'undici';

/** Called once the exchange ends: with the status on a complete response, or with the error. */
export type ExchangeSink = (index: number, status: number, error: unknown) => void;

type Abort = (reason?: Error) => void;

/** Handler for one dispatched request; the body is discarded as it arrives. */
export class Exchange implements Dispatcher.DispatchHandler {
  private abort: Abort | undefined;
  private cancelled: Error | undefined;
  private status = 0;

  constructor(
    readonly index: number,
    private readonly sink: ExchangeSink,
  ) {}

  /** Abort now, or as soon as the pool takes the request off its queue. */
  cancel(reason: Error): void {
    this.cancelled = reason;
    this.abort?.(reason);
  }

  /** The request is about to be written (possibly again, on a retry): keep its abort function. */
  onConnect(abort: Abort): void {
    if (this.cancelled) abort(this.cancelled);
    else this.abort = abort;
  }

  /** Called per status line, 1xx included; the last one is the final status. Returns "keep reading". */
  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(): boolean {
    // Discarded: only status and timing matter.
    return true;
  }

  onComplete(): void {
    this.abort = undefined;
    this.sink(this.index, this.status, undefined);
  }

  onError(error: Error): void {
    this.abort = undefined;
    this.sink(this.index, 0, error);
  }
}

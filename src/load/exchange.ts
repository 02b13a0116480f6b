// One request/response of the load generator, driven through undici's dispatch handler interface:
// no response stream or promise per request, which keeps the client cheap at high rates.
//
// It implements the controller-based callbacks (onRequestStart/onResponseStart/onResponseData/
// onResponseEnd/onResponseError), the only form undici 8's `dispatch` accepts. Only the status
// matters here: the headers undici hands over are ignored and the body is discarded as it arrives.

import type { Dispatcher } from 'undici';

/** Called once the exchange ends: with the status on a complete response, or with the error. */
export type ExchangeSink = (index: number, status: number, error: unknown) => void;

/** Handler for one dispatched request; the body is discarded as it arrives. */
export class Exchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private cancelled: Error | undefined;
  private status = 0;

  constructor(
    readonly index: number,
    private readonly sink: ExchangeSink,
  ) {}

  /** Abort now, or as soon as the pool takes the request off its queue. */
  cancel(reason: Error): void {
    this.cancelled = reason;
    this.controller?.abort(reason);
  }

  /** The request is about to be written (possibly again, on a retry): keep its controller. */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.cancelled) controller.abort(this.cancelled);
    else this.controller = controller;
  }

  /** The final status line of the response. */
  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(): void {
    // Discarded: only status and timing matter.
  }

  onResponseEnd(): void {
    this.controller = undefined;
    this.sink(this.index, this.status, undefined);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.controller = undefined;
    this.sink(this.index, 0, error);
  }
}

// The JSON API (docs/http-api.md): POST /api/v1/<Service>/<Method> with the
// request message as protobuf JSON and `Authorization: Bearer <token>`.
// Every failure is an ApiError carrying the gRPC code/status/message the
// server sent, or code 14 UNAVAILABLE (network) / 4 DEADLINE_EXCEEDED
// (timeout) when no answer came.

// gRPC status names by code.
export const STATUS_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND',
  'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED',
  'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

// The HTTP statuses of docs/http-api.md, for answers without a JSON body.
const STATUS_BY_HTTP = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  413: 'RESOURCE_EXHAUSTED',
  429: 'RESOURCE_EXHAUSTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export class ApiError extends Error {
  constructor({ code, status, message, httpStatus = 0, network = false }) {
    super(message || status || 'error');
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.httpStatus = httpStatus;
    // True when no answer came from the server (offline, timeout, proxy page).
    this.network = network;
  }

  // The request may be repeated (with the same idempotency key): nothing
  // definite was answered, or the server asked to try again later.
  get retryable() {
    if (this.network) return true;
    return ['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'ABORTED', 'RESOURCE_EXHAUSTED', 'INTERNAL',
      'UNKNOWN', 'CANCELLED'].includes(this.status) && this.httpStatus !== 413;
  }

  // The token is missing, wrong or revoked: log in again.
  get unauthenticated() {
    return this.status === 'UNAUTHENTICATED';
  }
}

function statusName(code) {
  return STATUS_NAMES[code] || 'UNKNOWN';
}

// Turns an HTTP answer that is not 200 into an ApiError.
export function errorFromResponse(httpStatus, body) {
  if (body && typeof body === 'object' && (body.status || body.code !== undefined)) {
    const code = Number.isInteger(body.code) ? body.code : STATUS_NAMES.indexOf(body.status);
    const status = body.status || statusName(code);
    return new ApiError({ code, status, message: body.message || status, httpStatus });
  }
  // No JSON error: a proxy, a captive portal or a server in trouble answered,
  // not the Podium API, so nothing definite is known: the call may be repeated.
  const status = STATUS_BY_HTTP[httpStatus] || (httpStatus >= 500 ? 'UNAVAILABLE' : 'UNKNOWN');
  const network = httpStatus !== 401;
  return new ApiError({
    code: STATUS_NAMES.indexOf(status),
    status,
    message: `HTTP ${httpStatus}`,
    httpStatus,
    network,
  });
}

export class Api {
  // options: { token, base = '', fetch = globalThis.fetch, timeoutMs = 15000 }
  constructor(options = {}) {
    this.token = options.token || '';
    this.base = options.base || '';
    this.fetch = options.fetch || globalThis.fetch.bind(globalThis);
    this.timeoutMs = options.timeoutMs ?? 15000;
  }

  // POSTs `body` to /api/v1/<service>/<method>; resolves with the response
  // message, rejects with an ApiError. `token` overrides the Api's token.
  async call(service, method, body = {}, { token, timeoutMs, signal } = {}) {
    const url = `${this.base}/api/v1/${service}/${method}`;
    const auth = token ?? this.token;
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (auth) headers.Authorization = `Bearer ${auth}`;
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const limit = timeoutMs ?? this.timeoutMs;
    let timedOut = false;
    const timer = controller && limit > 0 ? setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, limit) : null;
    if (signal && controller) {
      if (signal.aborted) controller.abort();
      else signal.addEventListener('abort', () => controller.abort(), { once: true });
    }
    let response;
    let text;
    try {
      response = await this.fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        cache: 'no-store',
        credentials: 'same-origin',
        signal: controller ? controller.signal : undefined,
      });
      text = await response.text();
    } catch (e) {
      throw new ApiError({
        code: timedOut ? 4 : 14,
        status: timedOut ? 'DEADLINE_EXCEEDED' : 'UNAVAILABLE',
        message: timedOut ? `no answer within ${Math.round(limit / 1000)} s` : `network error: ${e && e.message ? e.message : e}`,
        network: true,
      });
    } finally {
      if (timer) clearTimeout(timer);
    }
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = undefined;
    }
    if (response.status === 200) {
      if (parsed === undefined || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        // Not our server (a captive portal's page, say): nothing was answered.
        throw new ApiError({
          code: 14,
          status: 'UNAVAILABLE',
          message: 'the answer was not JSON from the Podium server',
          httpStatus: 200,
          network: true,
        });
      }
      return parsed;
    }
    throw errorFromResponse(response.status, parsed);
  }
}

// Reads the token from "#token=..." or storage; writes it back to storage.
export function tokenFrom(hashParams, storage, storageName) {
  const fromHash = hashParams.get('token');
  if (fromHash) {
    try {
      if (storage) storage.setItem(storageName, fromHash);
    } catch { /* storage refused: the hash still works for this visit */ }
    return fromHash;
  }
  try {
    return (storage && storage.getItem(storageName)) || '';
  } catch {
    return '';
  }
}

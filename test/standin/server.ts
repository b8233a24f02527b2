/**
 * A local stand-in for Cerebras Inference that speaks its wire protocol (see CEREBRAS-API.md):
 * SSE `chat.completion.chunk`s with a final chunk carrying `finish_reason`, `usage` and
 * `time_info`, flat error bodies, `retry-after` and `x-ratelimit-*` headers, `/v1/models` and `/v1/tcp_warming`.
 * The real SDK talks to it unchanged; scenarios choose the faults a test needs.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { QuotaBucket, type StandInQuota } from './quotaBucket';

export type { StandInQuota } from './quotaBucket';

export interface Scenario {
  /** The assistant's whole answer, streamed in pieces. */
  content?: string;
  /** gpt-oss style reasoning, streamed before the content in `delta.reasoning`. */
  reasoning?: string;
  /** Characters per content chunk (default 16, about four tokens). */
  chunkSize?: number;
  /** Pace of the stream; 0 or undefined streams as fast as the socket takes it. */
  tokensPerSecond?: number;
  /** `null` ends the stream without any `finish_reason` (the server hung up early). */
  finishReason?: 'stop' | 'length' | null;
  /** Answer with this HTTP status and a flat error body instead of a stream. */
  status?: number;
  errorBody?: Record<string, unknown> | string;
  headers?: Record<string, string>;
  /** Destroy the socket after this many content chunks. */
  cutAfterChunks?: number;
  /** Stop sending (keep the socket open) after this many content chunks. */
  stallAfterChunks?: number;
  /** Hold the stream after this many content chunks until `until` settles, then go on at the same pace (a picture mid-stream). */
  pauseAfterChunks?: { chunks: number; until: Promise<unknown> };
  /** Send an SSE error event after this many content chunks. */
  errorEventAfterChunks?: number;
  /** Leave out the final `data: [DONE]` (seen on the live service). */
  omitDone?: boolean;
  /** Write these raw lines into the event stream after this many content chunks, then go on. */
  malformed?: { afterChunks: number; lines: string[] };
  /** Filled as content leaves: the content length sent so far and the time of that write (epoch ms, sub-ms). */
  timeline?: { end: number; at: number }[];
  /** Called when the answer has been sent. */
  onEnd?: () => void;
  /** Wait this long before answering at all (a slow first byte, as a busy service gives). */
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

const ERRORS: Record<number, { message: string; type: string; param: string; code: string }> = {
  400: { message: 'Bad request', type: 'invalid_request_error', param: '', code: 'bad_request' },
  401: { message: 'Wrong API Key', type: 'invalid_request_error', param: 'api_key', code: 'wrong_api_key' },
  404: { message: 'Not found', type: 'not_found_error', param: '', code: 'not_found' },
  429: {
    message: 'Requests per minute limit exceeded - too many requests sent.',
    type: 'too_many_requests_error',
    param: 'quota',
    code: 'request_quota_exceeded',
  },
  500: { message: 'Internal server error', type: 'server_error', param: '', code: 'internal_error' },
  503: { message: 'Service unavailable', type: 'server_error', param: '', code: 'service_unavailable' },
};

export const STANDIN_MODELS = ['gpt-oss-120b', 'llama-3.3-70b', 'qwen-3-32b', 'llama3.1-8b'];

export class CerebrasStandIn {
  apiKey = 'test-key-0123456789';
  models = [...STANDIN_MODELS];
  defaultScenario: Scenario = { content: '' };
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Scenario[] = [];
  private server: http.Server | undefined;
  private readonly sockets = new Set<import('node:net').Socket>();
  private simulatedQuota: StandInQuota | undefined;
  private bucket = new QuotaBucket(undefined);

  /**
   * A per-minute token quota (and optionally a daily request quota) as Cerebras applies it: each chat
   * request reserves its `max_completion_tokens` plus its prompt before it is answered, and one that does
   * not fit gets the service's 429 (`token_quota_exceeded`) without using up a queued scenario. Setting it
   * starts a fresh minute and day. Unset (the default): limits so large nothing is ever refused.
   */
  get quota(): StandInQuota | undefined {
    return this.simulatedQuota;
  }

  set quota(quota: StandInQuota | undefined) {
    this.simulatedQuota = quota;
    this.bucket = new QuotaBucket(quota);
  }

  /** Forgets scenarios queued but not used (a test that failed early leaves none for the next). */
  clearQueue(): void {
    this.queue.length = 0;
  }

  /** The next chat request gets this scenario; later ones the next queued, then the default. */
  enqueue(...scenarios: Scenario[]): void {
    this.queue.push(...scenarios);
  }

  get chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/v1/chat/completions');
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const path = (req.url ?? '/').split('?')[0];
    this.requests.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization, body });

    if (path === '/v1/tcp_warming') return json(res, 200, {});
    if (path === '/public/v1/models') return json(res, 200, { object: 'list', data: this.models.map(modelEntry) });
    const authorized = req.headers.authorization === `Bearer ${this.apiKey}`;
    const request = body as {
      model?: string;
      stream?: boolean;
      messages?: { content: string }[];
      max_completion_tokens?: unknown;
    };
    const messages = Array.isArray(request?.messages) ? request.messages : [];
    const promptTokens = Math.ceil(messages.reduce((n, m) => n + String(m?.content ?? '').length, 0) / 4);
    let limits: Record<string, string> = {};
    if (path === '/v1/chat/completions' && req.method === 'POST' && authorized) {
      const cap = request?.max_completion_tokens;
      const reserved = this.bucket.reserve(typeof cap === 'number' ? cap : undefined, promptTokens);
      if (!reserved.ok) return json(res, 429, reserved.body, reserved.headers);
      limits = reserved.headers;
    }
    // A queued scenario belongs to the next chat request, even one that fails authentication.
    const scenario = (path === '/v1/chat/completions' ? this.queue.shift() : undefined) ?? this.defaultScenario;
    if (!authorized) return json(res, 401, ERRORS[401]);
    if (scenario.delayMs) await new Promise((r) => setTimeout(r, scenario.delayMs));
    if (path === '/v1/models' && req.method === 'GET')
      return json(res, 200, { object: 'list', data: this.models.map(modelEntry) });
    if (path !== '/v1/chat/completions' || req.method !== 'POST') return json(res, 404, ERRORS[404]);

    if (scenario.status) {
      const errorBody = scenario.errorBody ?? ERRORS[scenario.status] ?? ERRORS[500];
      res.writeHead(scenario.status, {
        'content-type': typeof errorBody === 'string' ? 'text/plain' : 'application/json',
        ...limits,
        ...scenario.headers,
      });
      res.end(typeof errorBody === 'string' ? errorBody : JSON.stringify(errorBody));
      return;
    }
    if (!request?.model || !this.models.includes(request.model)) {
      return json(res, 404, {
        message: `Model ${request?.model} does not exist or you do not have access to it.`,
        type: 'not_found_error',
        param: 'model',
        code: 'model_not_found',
      });
    }
    const headers = { ...limits, ...scenario.headers };
    if (request.stream) await this.stream(res, request.model, scenario, promptTokens, headers);
    else this.complete(res, request.model, scenario, promptTokens, headers);
  }

  private complete(
    res: http.ServerResponse,
    model: string,
    s: Scenario,
    promptTokens: number,
    headers: Record<string, string>,
  ): void {
    const content = s.content ?? '';
    const completionTokens = Math.ceil((content.length + (s.reasoning ?? '').length) / 4);
    json(
      res,
      200,
      {
        id: `chatcmpl-${Date.now()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        system_fingerprint: 'fp_standin',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, ...(s.reasoning ? { reasoning: s.reasoning } : {}) },
            finish_reason: s.finishReason ?? 'stop',
          },
        ],
        usage: usage(promptTokens, completionTokens),
        time_info: timeInfo(completionTokens, s.tokensPerSecond),
      },
      headers,
    );
  }

  private async stream(
    res: http.ServerResponse,
    model: string,
    s: Scenario,
    promptTokens: number,
    headers: Record<string, string>,
  ): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
    const id = `chatcmpl-${Date.now()}`;
    const created = Math.floor(Date.now() / 1000);
    const send = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      res.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_standin', choices: [{ index: 0, ...choice }], ...extra })}\n\n`,
      );

    send({ delta: { role: 'assistant' }, finish_reason: null });
    const pieces: { content?: string; reasoning?: string }[] = [
      ...split(s.reasoning ?? '', s.chunkSize ?? 16).map((t) => ({ reasoning: t })),
      ...split(s.content ?? '', s.chunkSize ?? 16).map((t) => ({ content: t })),
    ];
    let started = performance.now();
    let tokens = 0;
    let contentChunks = 0;
    let sent = 0;
    for (const piece of pieces) {
      if (res.destroyed) return;
      if (piece.content !== undefined) {
        if (s.cutAfterChunks !== undefined && contentChunks >= s.cutAfterChunks) {
          // Let what was sent reach the client, then reset the connection mid-body.
          await new Promise<void>((resolve) => res.write('', () => resolve()));
          res.socket?.resetAndDestroy();
          return;
        }
        if (s.stallAfterChunks !== undefined && contentChunks >= s.stallAfterChunks) return;
        if (s.pauseAfterChunks && contentChunks === s.pauseAfterChunks.chunks) {
          const held = performance.now();
          await s.pauseAfterChunks.until.catch(() => undefined);
          started += performance.now() - held;
        }
        if (s.errorEventAfterChunks !== undefined && contentChunks >= s.errorEventAfterChunks) {
          res.write(
            `event: error\ndata: ${JSON.stringify({ error: { message: 'Internal server error', type: 'server_error', code: 'internal_error' }, status_code: 500 })}\n\n`,
          );
          res.end();
          return;
        }
        if (s.malformed && contentChunks === s.malformed.afterChunks)
          res.write(s.malformed.lines.map((l) => `${l}\n\n`).join(''));
        contentChunks++;
      }
      const flowing = send({ delta: piece, finish_reason: null });
      if (piece.content !== undefined && s.timeline) {
        sent += piece.content.length;
        s.timeline.push({ end: sent, at: performance.timeOrigin + performance.now() });
      }
      tokens += Math.max(1, Math.ceil((piece.content ?? piece.reasoning ?? '').length / 4));
      if (s.tokensPerSecond) {
        const due = started + (tokens * 1000) / s.tokensPerSecond;
        const wait = due - performance.now();
        if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
      } else if (!flowing) {
        await new Promise((r) => res.once('drain', r));
      }
    }
    if (s.finishReason === null) {
      res.end();
      return;
    }
    const completionTokens = Math.ceil(((s.content ?? '').length + (s.reasoning ?? '').length) / 4);
    send(
      { delta: {}, finish_reason: s.finishReason ?? 'stop' },
      { usage: usage(promptTokens, completionTokens), time_info: timeInfo(completionTokens, s.tokensPerSecond) },
    );
    if (!s.omitDone) res.write('data: [DONE]\n\n');
    res.end();
    s.onEnd?.();
  }
}

function split(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function usage(prompt: number, completion: number) {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0 },
  };
}

function timeInfo(completionTokens: number, rate: number | undefined) {
  const completion = rate ? completionTokens / rate : completionTokens / 3000;
  return {
    queue_time: 0.0002,
    prompt_time: 0.003,
    completion_time: completion,
    total_time: completion + 0.0032,
    created: Date.now() / 1000,
  };
}

function modelEntry(id: string) {
  return { id, object: 'model', created: 1735689600, owned_by: 'Cerebras' };
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Builds a model answer in the `<FILE>` format from a map of paths to contents. */
export function fileBlocks(files: Record<string, string>, prose = ''): string {
  return (
    prose +
    Object.entries(files)
      .map(([p, c]) => `<FILE path="${p}">\n${c}</FILE>\n`)
      .join('')
  );
}

/** A fix answer as a model writes it: SEARCH/REPLACE blocks, each after its file's path. */
export function editBlocks(edits: { file: string; search: string; replace: string }[], prose = ''): string {
  const body = edits
    .map((e) => `${e.file}\n<<<<<<< SEARCH\n${e.search}\n=======\n${e.replace}\n>>>>>>> REPLACE\n`)
    .join('\n');
  return prose + body;
}

/**
 * One door to the Tencent Cloud API: the official SDK's cvm, vpc, tat, lighthouse and monitor clients (deep imports
 * keep the bundle small), each call bounded by a timeout and the caller's AbortSignal,
 * RequestLimitExceeded retried with bounded exponential back-off, and every failure turned into
 * a CloudApiError with a kind and a clear message. Logs name the action and outcome, never
 * parameters that could carry secrets, never the key.
 */
import * as http from 'http';
import type { Client as CvmClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_client';
import type { Client as VpcClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/vpc/v20170312/vpc_client';
import type { Client as TatClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tat/v20201028/tat_client';
import type { Client as LighthouseClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/lighthouse/v20200324/lighthouse_client';
import type { Client as MonitorClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/monitor/v20180724/monitor_client';
import { abortableSleep, CancelledError } from '../core/cancel';
import type { CloudError, CloudErrorKind } from '../core/model';
import { type ResolvedEndpoint, type TencentConfig, resolveEndpoint, serviceEndpoint } from './config';

export type Service = 'cvm' | 'vpc' | 'tat' | 'lighthouse' | 'monitor';

export class CloudApiError extends Error {
  constructor(readonly kind: CloudErrorKind, message: string, readonly code?: string, readonly action?: string) {
    super(message);
    this.name = 'CloudApiError';
  }
  toCloudError(): CloudError {
    return { kind: this.kind, message: this.message, ...(this.code ? { code: this.code } : {}), ...(this.action ? { action: this.action } : {}) };
  }
}

/** Any failure as a CloudError (cancellation must be handled before calling this). */
export function toCloudError(e: unknown, action?: string): CloudError {
  if (e instanceof CloudApiError) return e.toCloudError();
  return { kind: 'other', message: e instanceof Error ? e.message : String(e), ...(action ? { action } : {}) };
}

export function kindOf(code: string | undefined): CloudErrorKind {
  if (!code) return 'network';
  if (code.startsWith('AuthFailure')) return 'auth';
  if (code.startsWith('UnauthorizedOperation') || code.startsWith('OperationDenied')) return 'unauthorized';
  if (code.startsWith('RequestLimitExceeded')) return 'throttled';
  if (code.startsWith('ResourceNotFound') || code.endsWith('.NotFound')) return 'not-found';
  return 'other';
}

const HINT: Partial<Record<CloudErrorKind, string>> = {
  auth: 'check the SecretId and SecretKey (and the computer clock)',
  unauthorized: 'the credentials lack a permission for this action: grant it in CAM',
  throttled: 'the API rate limit was hit repeatedly: try again in a minute',
  'not-found': 'check the instance ID and region',
};

type SdkClient = CvmClient | VpcClient | TatClient | LighthouseClient | MonitorClient;
type SdkConfig = ConstructorParameters<typeof CvmClient>[0];

/**
 * The SDK's client for a service, required when a service is first used rather than when this
 * module loads: evaluating the SDK's clients costs about 90 ms, which the extension's activation
 * and every diagnosis without a cloud account would otherwise pay (npm run bench, "activation,
 * own code"). The bundler keeps each require lazy.
 */
function newSdkClient(service: Service, config: SdkConfig): SdkClient {
  switch (service) {
    case 'cvm': return new (require('tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_client') as typeof import('tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_client')).Client(config);
    case 'vpc': return new (require('tencentcloud-sdk-nodejs/tencentcloud/services/vpc/v20170312/vpc_client') as typeof import('tencentcloud-sdk-nodejs/tencentcloud/services/vpc/v20170312/vpc_client')).Client(config);
    case 'tat': return new (require('tencentcloud-sdk-nodejs/tencentcloud/services/tat/v20201028/tat_client') as typeof import('tencentcloud-sdk-nodejs/tencentcloud/services/tat/v20201028/tat_client')).Client(config);
    case 'monitor': return new (require('tencentcloud-sdk-nodejs/tencentcloud/services/monitor/v20180724/monitor_client') as typeof import('tencentcloud-sdk-nodejs/tencentcloud/services/monitor/v20180724/monitor_client')).Client(config);
    case 'lighthouse': return new (require('tencentcloud-sdk-nodejs/tencentcloud/services/lighthouse/v20200324/lighthouse_client') as typeof import('tencentcloud-sdk-nodejs/tencentcloud/services/lighthouse/v20200324/lighthouse_client')).Client(config);
  }
}

/** Read-only answers that many instances share (security groups, their templates, subnets and
 *  ACLs): within one sweep they are read once. Never instance state, never TAT. */
const READ_ONCE = new Set([
  'DescribeSecurityGroupPolicies', 'DescribeAddressTemplates', 'DescribeAddressTemplateGroups', 'DescribeServiceTemplates',
  'DescribeServiceTemplateGroups', 'DescribeSubnets', 'DescribeNetworkAcls',
]);
const VERSIONS: Record<Service, string> = { cvm: '2017-03-12', vpc: '2017-03-12', tat: '2020-10-28', lighthouse: '2020-03-24', monitor: '2018-07-24' };


/** `f()` once per key while its answer is good; without a cache, every time. */
export function readOnce<T>(cache: Map<string, Promise<unknown>> | undefined, key: string, f: () => Promise<T>): Promise<T> {
  if (!cache) return f();
  let p = cache.get(key) as Promise<T> | undefined;
  if (!p) {
    const started = f();
    p = started;
    cache.set(key, started);
    started.catch(() => { if (cache.get(key) === started) cache.delete(key); });
  }
  return p;
}

export class TencentApi {
  private readonly endpoint: ResolvedEndpoint;
  private readonly clients = new Map<string, SdkClient>();
  private readonly agent?: http.Agent;
  readonly timeoutMs: number;
  readonly retryBaseMs: number;
  readonly maxRetries: number;

  constructor(private readonly cfg: TencentConfig) {
    this.endpoint = resolveEndpoint(cfg.endpoint);
    this.timeoutMs = cfg.timeoutMs ?? 10_000;
    this.retryBaseMs = cfg.retryBaseMs ?? 1000;
    this.maxRetries = Math.min(Math.max(cfg.maxRetries ?? 4, 0), 10);
    // A loopback URL goes direct: an http_proxy in the environment must not capture it.
    if (this.endpoint.kind === 'url' && this.endpoint.loopback && this.endpoint.protocol === 'http://') this.agent = new http.Agent();
  }

  log(line: string): void { this.cfg.log?.(line); }

  private client(service: Service, region: string): SdkClient {
    const key = `${service}/${region}`;
    let c = this.clients.get(key);
    if (!c) {
      const { endpoint, protocol } = serviceEndpoint(this.endpoint, service);
      const config = {
        credential: { secretId: this.cfg.secretId, secretKey: this.cfg.secretKey },
        region,
        profile: { httpProfile: { endpoint, protocol, reqTimeout: Math.ceil(this.timeoutMs / 1000), ...(this.agent ? { agent: this.agent } : {}) } },
      };
      c = newSdkClient(service, config);
      this.clients.set(key, c);
    }
    return c;
  }

  /** One API action; resolves with the Response object or rejects with CloudApiError / CancelledError.
   *  With a read cache (a sweep), a READ_ONCE action with the same parameters is sent once and
   *  its answer shared; a failed call is not kept, so the next asker tries again. */
  call<T>(service: Service, region: string, action: string, params: object, signal?: AbortSignal): Promise<T> {
    const send = () => this.send<T>(service, region, action, params, signal);
    if (!READ_ONCE.has(action)) return send();
    return readOnce(this.cfg.readCache, `${service}/${region}/${action}/${JSON.stringify(params)}`, send);
  }

  private async send<T>(service: Service, region: string, action: string, params: object, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new CancelledError();
      const started = Date.now();
      const deadline = AbortSignal.timeout(this.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
      try {
        const res = await this.client(service, region).request(action, params, { signal: combined }) as T;
        this.log(`${service}.${action} ${region}: ok (${Date.now() - started} ms)`);
        return res;
      } catch (e) {
        if (signal?.aborted) throw new CancelledError();
        const err = this.wrap(e, action, deadline.aborted);
        this.log(`${service}.${action} ${region}: ${err.code ?? err.kind} (${Date.now() - started} ms)`);
        if (err.kind !== 'throttled' || attempt >= this.maxRetries) throw err;
        await abortableSleep(this.retryBaseMs * 2 ** attempt, signal);
      }
    }
  }

  private wrap(e: unknown, action: string, timedOut: boolean): CloudApiError {
    if (timedOut) return new CloudApiError('network', `${action}: no answer from the Tencent Cloud API within ${this.timeoutMs} ms`, undefined, action);
    const err = e as { code?: unknown; message?: unknown; httpCode?: unknown };
    const code = typeof err.code === 'string' && err.code ? err.code : undefined;
    const kind = kindOf(code);
    const raw = typeof err.message === 'string' ? err.message : String(e);
    // Never echo anything that could be the key: API messages don't carry it, but be sure.
    const text = raw.split(this.cfg.secretKey).join('***');
    const hint = HINT[kind];
    const base = code ? `${action} failed with ${code}: ${text}` : `${action}: cannot reach the Tencent Cloud API (${text})`;
    const msg = kind === 'throttled' ? `${base} (still throttled after ${this.maxRetries} retries)` : base;
    return new CloudApiError(kind, hint ? `${msg} — ${hint}` : msg, code, action);
  }

  /** The API version each service's client speaks (the local endpoint checks it). */
  static readonly versions = VERSIONS;
}

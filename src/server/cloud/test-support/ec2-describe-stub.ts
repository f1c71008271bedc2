/**
 * A STUB of Amazon EC2's Query API, for tests only: AWS cannot run here, so this local HTTP server
 * answers the one action the cloud connector calls, DescribeInstances, in the documented XML shape
 * (DescribeInstancesResponse > reservationSet > item > instancesSet > item, instanceState {code,
 * name}, privateIpAddress; errors as Response > Errors > Error {Code, Message}).
 *
 * It checks the request as EC2 would: an AWS Signature Version 4 over the form body, signed with
 * the one access key it knows, for service `ec2` and its region; anything else is refused with
 * AuthFailure / SignatureDoesNotMatch. So a test that passes against it proves the connector
 * delivered the decrypted secret access key. It never stores or logs the key.
 *
 * Not a general EC2 emulator: filters, pagination and every other action answer InvalidAction.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type StubInstanceState = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface StubInstance {
  instanceId: string;
  state: StubInstanceState;
  privateIpAddress?: string;
}

export interface Ec2DescribeStub {
  /** The endpoint to give the connector (`http://127.0.0.1:<port>`). */
  endpoint: string;
  /** Instances by id; tests change them between scans. */
  instances: Map<string, StubInstance>;
  /** DescribeInstances calls answered (signature checked), in order: the instance ids asked for. */
  requests: string[][];
  close(): Promise<void>;
}

const STATE_CODES: Record<StubInstanceState, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };
const NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

function xmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlText(code)}</Code><Message>${xmlText(message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`;
}

function instanceXml(instance: StubInstance): string {
  const address = instance.privateIpAddress;
  return [
    '<item>',
    `<instanceId>${xmlText(instance.instanceId)}</instanceId>`,
    '<imageId>ami-0abcdef1234567890</imageId>',
    `<instanceState><code>${STATE_CODES[instance.state]}</code><name>${instance.state}</name></instanceState>`,
    address ? `<privateDnsName>ip-${address.replace(/\./g, '-')}.ec2.internal</privateDnsName><privateIpAddress>${xmlText(address)}</privateIpAddress>` : '<privateDnsName/>',
    '<instanceType>t3.micro</instanceType>',
    '</item>',
  ].join('');
}

function describeXml(instances: readonly StubInstance[]): string {
  const reservations = instances.map((instance, index) => `<item><reservationId>r-${String(index).padStart(17, '0')}</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>${instanceXml(instance)}</instancesSet></item>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="${NAMESPACE}"><requestId>${randomUUID()}</requestId><reservationSet>${reservations}</reservationSet></DescribeInstancesResponse>`;
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** Checks an AWS Signature Version 4 `Authorization` header; returns the refusal, or undefined when it is valid. */
function signatureRefusal(request: IncomingMessage, body: Buffer, credentials: { accessKeyId: string; secretAccessKey: string; region: string }): string | undefined {
  const header = request.headers.authorization ?? '';
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(header);
  if (!match) return 'AuthFailure: no AWS Signature Version 4 authorization header';
  const [, accessKeyId, date, region, service, signedHeaderList, signature] = match as unknown as string[];
  if (accessKeyId !== credentials.accessKeyId) return 'AuthFailure: the access key id is not known';
  if (region !== credentials.region || service !== 'ec2') return `AuthFailure: signed for ${service} in ${region}, not ec2 in ${credentials.region}`;
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(date as string)) return 'AuthFailure: x-amz-date does not match the credential scope';
  const signedHeaders = (signedHeaderList as string).split(';');
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${String(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const url = new URL(request.url ?? '/', 'http://stub');
  const query = [...url.searchParams].map(([key, value]) => [encodeURIComponent(key), encodeURIComponent(value)]).sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1)).map(([key, value]) => `${key}=${value}`).join('&');
  const canonicalRequest = [request.method, url.pathname, query, canonicalHeaders, signedHeaders.join(';'), sha256Hex(body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date as string), region as string), service as string), 'aws4_request');
  if (hmac(signingKey, stringToSign).toString('hex') !== signature) return 'SignatureDoesNotMatch: the request signature does not match';
  return undefined;
}

/** Starts the stub on a free loopback port; it accepts requests signed with these credentials only. */
export async function startEc2DescribeStub(credentials: { accessKeyId: string; secretAccessKey: string; region: string }): Promise<Ec2DescribeStub> {
  const instances = new Map<string, StubInstance>();
  const requests: string[][] = [];
  const answer = (response: ServerResponse, status: number, xml: string): void => {
    response.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8' }).end(xml);
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const refusal = signatureRefusal(request, body, credentials);
      if (refusal) {
        const [code, message] = refusal.split(': ');
        return answer(response, 401, errorXml(code as string, message as string));
      }
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('Action') !== 'DescribeInstances') return answer(response, 400, errorXml('InvalidAction', `the action ${form.get('Action') ?? '(none)'} is not valid for this web service (stub: DescribeInstances only)`));
      const ids = [...form.keys()].filter((key) => /^InstanceId\.\d+$/.test(key)).map((key) => form.get(key) as string);
      requests.push(ids);
      const malformed = ids.find((id) => !/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id));
      if (malformed) return answer(response, 400, errorXml('InvalidInstanceID.Malformed', `Invalid id: "${malformed}"`));
      const missing = ids.filter((id) => !instances.has(id));
      if (missing.length > 0) return answer(response, 400, errorXml('InvalidInstanceID.NotFound', `The instance ID${missing.length > 1 ? 's' : ''} '${missing.join(', ')}' do${missing.length > 1 ? '' : 'es'} not exist`));
      return answer(response, 200, describeXml(ids.length > 0 ? ids.map((id) => instances.get(id) as StubInstance) : [...instances.values()]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    instances,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

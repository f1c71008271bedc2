/**
 * One EC2 instance's state and private address, through DescribeInstances (@aws-sdk/client-ec2).
 * The SDK is loaded only when a cloud instance is resolved. Errors name the connector, the instance
 * and AWS's error code, never the access key or secret.
 */
import type { EC2ServiceException } from '@aws-sdk/client-ec2';

export interface Ec2Access {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Another endpoint than AWS's own (a VPC endpoint, or the test stub). */
  endpoint?: string;
}

export type InstanceLookup =
  | { found: true; state: string; privateIpAddress: string | undefined }
  | { found: false; reason: string };

/** AWS answered, but not with an instance (credentials refused, throttled, unreachable). */
export class CloudLookupError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const NOT_FOUND_CODES = new Set(['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed']);

export async function describeInstance(access: Ec2Access, instanceId: string, timeoutMs = 20_000): Promise<InstanceLookup> {
  const { EC2Client, DescribeInstancesCommand } = await import('@aws-sdk/client-ec2');
  const client = new EC2Client({
    region: access.region,
    credentials: { accessKeyId: access.accessKeyId, secretAccessKey: access.secretAccessKey },
    ...(access.endpoint ? { endpoint: access.endpoint } : {}),
    maxAttempts: 2,
  });
  try {
    const answer = await client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    const instance = (answer.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []).find((candidate) => candidate.InstanceId === instanceId);
    if (!instance) return { found: false, reason: `instance ${instanceId} is not in DescribeInstances' answer` };
    return { found: true, state: instance.State?.Name ?? 'unknown', privateIpAddress: instance.PrivateIpAddress || undefined };
  } catch (error) {
    const code = (error as EC2ServiceException).name ?? 'Error';
    const message = (error as Error).message ?? '';
    if (NOT_FOUND_CODES.has(code)) return { found: false, reason: message.slice(0, 300) || code };
    throw new CloudLookupError(code, `DescribeInstances failed: ${code}${message ? ` (${message.slice(0, 300)})` : ''}`);
  } finally {
    client.destroy();
  }
}

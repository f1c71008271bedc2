/**
 * DescribeInstances through @aws-sdk/client-ec2 against the EC2 Query API stub (AWS cannot run
 * here): a running instance's state and private address, a stopped one, an unknown id, and
 * credentials the stub's Signature V4 check refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudLookupError, describeInstance } from './describe-instance.js';
import { startEc2DescribeStub, type Ec2DescribeStub } from './test-support/ec2-describe-stub.js';

const ACCESS = { region: 'eu-west-1', accessKeyId: 'AKIASTUBEXAMPLE00001', secretAccessKey: 'stub-secret-key/0123456789abcdefghijklmnop' };
let stub: Ec2DescribeStub;

beforeAll(async () => {
  stub = await startEc2DescribeStub(ACCESS);
  stub.instances.set('i-0123456789abcdef0', { instanceId: 'i-0123456789abcdef0', state: 'running', privateIpAddress: '10.1.2.3' });
  stub.instances.set('i-0fedcba9876543210', { instanceId: 'i-0fedcba9876543210', state: 'stopped' });
});
afterAll(async () => stub?.close());

describe('describeInstance (EC2 stub)', () => {
  it('gives a running instance its state and private address, signed with the connector\'s key', async () => {
    expect(await describeInstance({ ...ACCESS, endpoint: stub.endpoint }, 'i-0123456789abcdef0')).toEqual({ found: true, state: 'running', privateIpAddress: '10.1.2.3' });
    expect(stub.requests.at(-1)).toEqual(['i-0123456789abcdef0']);
  });

  it('gives a stopped instance its state and no address', async () => {
    expect(await describeInstance({ ...ACCESS, endpoint: stub.endpoint }, 'i-0fedcba9876543210')).toEqual({ found: true, state: 'stopped', privateIpAddress: undefined });
  });

  it('reports an unknown instance id as not found, with AWS\'s message', async () => {
    const lookup = await describeInstance({ ...ACCESS, endpoint: stub.endpoint }, 'i-00000000000000000');
    expect(lookup).toEqual({ found: false, reason: "The instance ID 'i-00000000000000000' does not exist" });
  });

  it('fails with AWS\'s error code, and without the secret, when the signature does not match', async () => {
    const wrong = { ...ACCESS, secretAccessKey: 'not-the-secret-access-key-0000000000000', endpoint: stub.endpoint };
    const failure = await describeInstance(wrong, 'i-0123456789abcdef0').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CloudLookupError);
    expect((failure as CloudLookupError).code).toBe('SignatureDoesNotMatch');
    expect(JSON.stringify({ message: (failure as Error).message })).not.toContain(wrong.secretAccessKey);
  });
});

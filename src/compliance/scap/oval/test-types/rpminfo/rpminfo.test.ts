import { describe, expect, it } from 'vitest';
import { rpmFixture } from '../../../../../../test/support/rpm-fixtures.js';
import { definition, evaluateOnTree, ovalDocument } from '../../test-support.js';

function rpmDoc(name: string, state: string, existence = 'at_least_one_exists'): string {
  return ovalDocument({
    definitions: definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
    tests: `<linux:rpminfo_test id="oval:t:tst:1" version="1" check="all" check_existence="${existence}"><linux:object object_ref="oval:t:obj:1"/>${state ? '<linux:state state_ref="oval:t:ste:1"/>' : ''}</linux:rpminfo_test>`,
    objects: `<linux:rpminfo_object id="oval:t:obj:1" version="1"><linux:name>${name}</linux:name></linux:rpminfo_object>`,
    states: state ? `<linux:rpminfo_state id="oval:t:ste:1" version="1">${state}</linux:rpminfo_state>` : '',
  });
}

describe('rpminfo on an offline root with a real rpm database (made by rpm)', () => {
  it('finds each installed package and orders its evr as rpm does', async () => {
    const fixture = await rpmFixture();
    const [line] = fixture.rpmQa.split('\n').filter(Boolean);
    const [name = '', evr = ''] = (line ?? '').split('\t');
    const withEpoch = evr.includes(':') ? evr : `0:${evr}`;
    const run = async (xml: string): Promise<string | undefined> => (await evaluateOnTree(fixture.root, xml)).get('oval:t:def:1')?.result;
    expect(await run(rpmDoc(name, ''))).toBe('true');
    expect(await run(rpmDoc(name, `<linux:evr datatype="evr_string" operation="equals">${withEpoch}</linux:evr>`))).toBe('true');
    expect(await run(rpmDoc(name, `<linux:evr datatype="evr_string" operation="greater than">${withEpoch}</linux:evr>`))).toBe('false');
    expect(await run(rpmDoc('no-such-package', '', 'none_exist'))).toBe('true');
  }, 300_000);
});

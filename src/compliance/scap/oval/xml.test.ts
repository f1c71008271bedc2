import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOvalDefinitions } from './parse-definitions.js';
import { definition, ovalDocument } from './test-support.js';
import { MAX_XML_DEPTH, parseXml, XmlContentError } from './xml.js';

function errorOf(run: () => unknown): XmlContentError {
  try {
    run();
  } catch (error) {
    if (error instanceof XmlContentError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('hostile SCAP XML', () => {
  it('refuses a DTD with an internal entity (billion laughs) before anything is expanded, naming the line', () => {
    const xml = '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">\n]>\n<oval_definitions>&lol2;</oval_definitions>';
    const error = errorOf(() => parseXml(xml, 'bomb.xml'));
    expect(error.message).toBe('bomb.xml:2: a document type declaration (DTD) is not accepted in SCAP content');
  });

  it('refuses an external entity (file:///etc/passwd)', () => {
    const xml = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>';
    expect(errorOf(() => parseXml(xml, 'xxe.xml')).line).toBe(2);
  });

  it('refuses nesting deeper than the bound without recursing into it', () => {
    const xml = `${'<a>'.repeat(MAX_XML_DEPTH + 1)}${'</a>'.repeat(MAX_XML_DEPTH + 1)}`;
    expect(errorOf(() => parseXml(xml, 'deep.xml')).message).toMatch(/nested deeper than/);
  });

  it('reports malformed XML with its line', () => {
    const error = errorOf(() => parseXml('<a>\n<b>\n</a>', 'bad.xml'));
    expect(error.line).toBeGreaterThanOrEqual(2);
    expect(error.message).toMatch(/^bad\.xml:\d+: not well-formed XML/);
  });

  it('decodes the predefined entities and keeps namespaces, so a test knows its family', () => {
    const document = parseOvalDefinitions(
      ovalDocument({
        definitions: definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
        tests: '<unix:file_test id="oval:t:tst:1" version="1" check="all"><unix:object object_ref="oval:t:obj:1"/></unix:file_test>',
        objects: '<ind:textfilecontent54_object id="oval:t:obj:1" version="1"><ind:filepath>/a</ind:filepath><ind:pattern operation="pattern match">a&lt;b&amp;&gt;</ind:pattern></ind:textfilecontent54_object>',
      }),
      'ok.xml',
    );
    expect(document.tests.get('oval:t:tst:1')).toMatchObject({ type: 'file', family: 'unix', check: 'all', checkExistence: 'at_least_one_exists' });
    expect(document.objects.get('oval:t:obj:1')?.entities[1]).toMatchObject({ name: 'pattern', value: 'a<b&>', operation: 'pattern match' });
  });

  it('reads character references, line ends and mixed content as XML defines them', () => {
    const root = parseXml('<a note="x\r\ny">H&#xE5;vard &#65;\r\nB<![CDATA[<c>]]><sub idref="v"/> end</a>', 'ok.xml');
    expect(root.text).toBe('H\u00e5vard A\nB<c> end');
    // Attribute values are normalised: a line end becomes a space.
    expect(root.attributes.note).toBe('x y');
    expect(root.content).toEqual(['H\u00e5vard A\nB', '<c>', root.children[0], ' end']);
  });

  it('refuses an entity no DTD could have declared and a prefix no namespace binds, naming the line', () => {
    expect(errorOf(() => parseXml('<a>\n&bogus;</a>', 'entity.xml')).message).toMatch(/^entity\.xml:2: not well-formed XML: undefined entity/);
    expect(errorOf(() => parseXml('<a>\n<x:b/></a>', 'prefix.xml')).message).toMatch(/^prefix\.xml:2: not well-formed XML: .*prefix/);
  });

  it('never crashes on arbitrary text: parsed or an XmlContentError (property)', () => {
    const pieces = fc.constantFrom('<a>', '</a>', '<b x="1">', '</b>', '<!DOCTYPE a>', '&amp;', '&bogus;', '<![CDATA[x]]>', '<!--c-->', 'text', '<', '>', '"', '<oval_definitions>', '</oval_definitions>');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        try {
          parseOvalDefinitions(parts.join(''), 'fuzz.xml');
        } catch (error) {
          expect(error).toBeInstanceOf(XmlContentError);
        }
      }),
    );
  });
});

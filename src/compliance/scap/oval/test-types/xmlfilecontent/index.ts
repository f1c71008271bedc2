/**
 * ind:xmlfilecontent — an XPath 1.0 expression evaluated on XML files: one item per file the
 * object names (filepath, or path + filename with the recurse behaviors, as textfilecontent54)
 * whose expression yields something, its values as `value_of`. A file that is not well-formed XML,
 * or carries a DTD, or an expression XPath refuses, makes the object an error, never a silent "no
 * item". Each file is parsed once per object, whatever the number of expressions.
 */
import { resolveFileObject } from '../../file-objects.js';
import { entityNamed, OvalCollectionError, type OvalItem, type OvalTestType } from '../test-type.js';
import { parseXmlFile, xpathValues, XmlFileError } from './xpath-values.js';

export const xmlfilecontent: OvalTestType = {
  id: 'xmlfilecontent',
  families: ['independent'],
  async collect(object, context) {
    const xpathEntity = entityNamed(object, 'xpath');
    if (!xpathEntity) throw new OvalCollectionError(`${object.id}: no xpath`);
    if (xpathEntity.operation !== 'equals') throw new OvalCollectionError(`${object.id}: xpath with operation "${xpathEntity.operation}" is not supported (OVAL allows only equals)`);
    const expressions = [...new Set(await context.entityValues(xpathEntity))];
    const items: OvalItem[] = [];
    for (const file of await resolveFileObject(object, context)) {
      if (file.info.type === 'directory' || file.filename === undefined) continue;
      const text = await context.files.readText(file.filepath);
      if (text === undefined) continue;
      let document;
      try {
        document = parseXmlFile(text, file.filepath);
      } catch (error) {
        if (error instanceof XmlFileError) throw new OvalCollectionError(`${object.id}: ${error.message}`);
        throw error;
      }
      for (const expression of expressions) {
        let values: string[] | undefined;
        try {
          values = xpathValues(document, expression);
        } catch (error) {
          if (error instanceof XmlFileError) throw new OvalCollectionError(`${object.id}: ${file.filepath}: ${error.message}`);
          throw error;
        }
        if (values === undefined) continue;
        items.push({ filepath: [file.filepath], path: [file.path], filename: [file.filename], xpath: [expression], value_of: values });
      }
    }
    return items;
  },
};

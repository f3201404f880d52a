/** The one markdown parser: CommonMark + GFM (tables, task lists) + YAML frontmatter. Built once. */
import type { Root } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkFrontmatter, ['yaml'])
  .freeze();

export function parseMarkdown(text: string): Root {
  return processor.parse(text);
}

"""Words and pictures for a reader: interface text, tables, charts, report blocks, pages."""

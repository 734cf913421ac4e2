"""校账's importers for bank statements and receipt files (installed as `xiaozhang.importers`)."""

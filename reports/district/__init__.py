"""The district (区教育局 / 会计核算中心): many schools' ledgers checked and consolidated.

    extract.py   one school's figures, read from its model (worker side)
    forms.py     one school's statements (资产负债表, 收入费用表, 预算收入支出表), line by line
    store.py     the Parquet store, content digests, the parallel incremental refresh
    lock.py      one refresh of a store at a time
    cluster.py   the same refresh on a Dask distributed cluster
    query.py     the bureau's questions in SQL (DuckDB over the store)
    workbook.py  the xlsx workbook (and the consolidated statements as documents)
    page.py      the read-only pages behind the 教育局 sign-in, each with its xlsx download
    cli.py       `xiaozhang district`

The manual (Chinese) is docs/district.md.
"""

"""The district (区教育局 / 会计核算中心): many schools' ledgers checked and consolidated.

    extract.py   one school's figures, read from its model (worker side)
    store.py     the Parquet store, content digests, the parallel incremental refresh
    cluster.py   the same refresh on a Dask distributed cluster
    query.py     the bureau's questions in SQL (DuckDB over the store)
    workbook.py  the xlsx workbook;  page.py  the read-only page;  cli.py  `xiaozhang district`

The manual (Chinese) is docs/district.md.
"""

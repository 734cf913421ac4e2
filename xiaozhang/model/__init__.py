"""The school model: one definition of each fact of a school's books.

Everything here is computed from a loaded entries list and nothing here imports the plugins,
the importers or the reports (arrows point down only: they import the model).

    periods   months, 学期 (terms) and 学年, and parsing "2026-03"
    money     fen and yuan, splitting an amount in fen, formatting money for documents
    policy    the school profile and the dated policies, read once per load
    asof      the 评判日期 every deadline is judged by (command line, ledger pin, today)
    fees      fee items, disclosure records and the classifier of fee postings
    canteen   the canteen's accounts and its monthly tally
    assets    the asset register (cards, disposals, transfers) read once per load
    asset_cards  the asset categories, the card and the depreciation schedule
    treasury  应缴财政款 and 代收费: the walk, their deadlines, the cash on hand, what is late
    lots      receipts held first in, first out (cumulative sums), for the treasury walk
    budgets   budget lines and their execution
    projects  earmarked projects (专项) and their spending
    generated the marker of the entries our generators add
    collector the cycle collector paused while the rules run
    books     `SchoolBooks.of(entries)`: all of the above, built once per entries list
"""

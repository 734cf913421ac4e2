"""The mark of the entries 校账 generates (depreciation, later the budget side).

`GENERATED` is the hidden metadata key every generated entry carries; it lives below
`xiaozhang.model.books` (which re-exports it) so that the model parts the books build can
tell written from generated entries without importing the books (no import cycle).
"""

# The hidden metadata key of every entry our generators add.
GENERATED = "__xiaozhang__"

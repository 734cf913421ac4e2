"""The mark of the entries 校账 generates (depreciation, the budget side) and their links.

`GENERATED` is the hidden metadata key every generated entry carries; it lives below
`xiaozhang.model.books` (which re-exports it) so that the model parts the books build can
tell written from generated entries without importing the books (no import cycle).
"""

# The hidden metadata key of every entry our generators add.
GENERATED = "__xiaozhang__"

# The link a generator adds to the written entries it derives from and to what it generates:
# the budget side's `^YS-20260305-0001` (plugins/budget_accounting.py).  Not the books' text:
# the month-close digest (xiaozhang/model/closing.py) leaves such links out.
BUDGET_LINK_PREFIX = "YS-"
GENERATED_LINK_PREFIXES = (BUDGET_LINK_PREFIX,)

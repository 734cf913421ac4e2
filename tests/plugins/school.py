"""The school profile that the plugin tests' small ledgers start from."""

SCHOOL_PROFILE = """\
2025-08-25 custom "school" "青禾市明德区实验小学"
  principal: "王建国"
  director: "李明华"
  accountant: "陈静"
  hotline: "0736-7215318"
  func: "2050202"
"""

"""校账 (xiaozhang): the finance suite of a Chinese public school, on Beancount."""

__version__ = "0.1.0"

"""Regular-expression pieces shared by the pattern rules of text cleaning and analysis.

>>> import re
>>> bool(re.fullmatch(f"don{APOSTROPHE}t", "don’t"))
True
"""

__all__ = ["APOSTROPHE"]

APOSTROPHE = r"(?:'|’)"
"""An apostrophe, straight or curly: customers type both, and e-mail clients convert them."""

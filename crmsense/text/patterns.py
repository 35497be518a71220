"""Regular-expression pieces shared by the pattern rules of text cleaning and analysis.

>>> import re
>>> bool(re.fullmatch(f"don{APOSTROPHE}t", "don’t"))
True
>>> re.findall(EMOTICON, "thanks :) but :-( <3")
[':)', ':-(', '<3']
"""

__all__ = ["APOSTROPHE", "EMOTICON"]

APOSTROPHE = r"(?:'|’)"
"""An apostrophe, straight or curly: customers type both, and e-mail clients convert them."""

EMOTICON = r"[:;=][-'^]?[()\[\]dp/\\|*]{1,3}(?!\w)|</?3"
"""An ASCII emoticon in lower-cased text: ":)", ":-(", ";p", ":/", "<3", "</3"."""

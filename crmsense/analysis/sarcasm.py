"""Sarcasm: praise wrapped around a complaint ("Great, another outage.").

Every engine reads "I love how the new release broke everything" as praise, because the
praise words are the strongest signal in it. Customer sarcasm has a narrow, recognisable
shape, so crmsense finds it with patterns, sentence by sentence, and the analyzer turns a
positive reading of such a sentence into the mirror-image negative one (see
:func:`unsarcastic`):

1. set phrases: "thanks for nothing", "yeah right", sarcasm said outright (🙃, 🙄, 😒,
   "/s", "#sarcasm", "#not"), "oh great", "gotta love how", "never fails to disappoint", and
   passive-aggressive thanks ("thanks for finally getting back to me", "nice of you to
   reply", "appreciate the canned response", "good to know the SLA means nothing", "I'd
   appreciate it if someone could actually read my emails", "such as it is"), thanks for
   a fix that isn't ("Thanks for fixing the bug? It's still there.", "thanks for fixing
   the export, now we have two more bugs");
2. a sentence that *opens* with praise ("Great,", "Wow, what a great…", "I love how…",
   "Fantastic support,", "Love waiting…") and also reports a bad event (broke, outage,
   failed, locked, on hold, "only took three weeks", "down again", a price increase,
   "couldn't log in") — unless it also reports a fix ("fixed", "resolved", "back up"),
   apologises or thanks for patience (a rep's wording), or concedes with "but"/"though" (a
   mixed message, not sarcasm).

3. a last sentence that is bare praise ("Great job.", "Well done!", "Perfect.", "Nice
   work.", "Brilliant service.", "Cool cool cool.") after a sentence that reports a bad
   event or trouble ("… has been down for 2 hours and nobody is answering support. Great
   job.", "Day 3 of waiting for a reply. Cool cool cool."), with no fix, apology or "but"
   anywhere. Thanks are not counted: "The export fails on row 2000. Thanks!"
   thanks in advance.
4. thanks for the harm itself: the thing thanked for is a judgement ("thanks for the
   useless answer", "thank you for making this the worst renewal we've had") or a harm
   done ("thanks for losing our data", "thanks for charging us twice", "thanks for the
   three-week wait") — unless it is help, a fix or news about the harm ("thanks for
   fixing that awful bug", "thanks for the update on the delayed shipment").

Deliberately narrow: a missed sarcastic sentence costs less than a compliment read as a
complaint.

>>> is_sarcastic("Great, another outage. Exactly what we needed.")
True
>>> is_sarcastic("Fantastic support, only took three weeks to get a reply.")
True
>>> is_sarcastic("The app has been down for two hours. Great job.")
True
>>> is_sarcastic("Great job on the migration, everything went smoothly!")
False
>>> is_sarcastic("Thanks for fixing the outage so quickly.")
False
"""

from __future__ import annotations

__all__ = ["BAD_EVENT", "FIX_THAT_ISNT", "is_sarcastic", "unsarcastic"]

import re
from dataclasses import replace

from crmsense.analysis.sentences import sentence_texts
from crmsense.analysis.types import PRAISE_EMOTIONS, Prediction

_SET_PHRASES = re.compile(
    r"\bthanks? (?:a lot |so much |very much )?for nothing\b|\byeah,? right\b"
    r"|\boh,? (?:great|wonderful|fantastic|perfect|joy|brilliant|lovely|goody)\b"
    r"|\b(?:gotta|got to|you have to|you(?:'|’)ve got to) love (?:how|it when|the way)\b"
    r"|\bthanks? for (?:breaking|wasting|ruining)\b|\bwhat a (?:joke|surprise)\b"
    # passive-aggressive thanks (2026-12-05)
    r"|\bthanks? (?:you )?for finally (?:getting back|replying|responding|answering|calling|"
    r"getting in touch|reading)\b|\bnice of you to (?:finally )?(?:reply|respond|answer|"
    r"get back|call|show up|let us know)\b|\b(?:appreciate|thanks? (?:you )?for) (?:the|your) "
    r"canned\b|\bsuch as (?:it is|they are)\b"
    r"|\b(?:good|nice|great) to know (?:that )?[^.!?]{0,40}\b(?:means?|counts?|is worth) nothing\b"
    r"|\bappreciate it if (?:someone|somebody|anyone|you) (?:could|would) (?:actually|finally|"
    r"bother)\b"
    # grudging thanks, and mock compliance (2026-12-07): "Thanks, I guess. Still no refund."
    # +0.86, "Oh absolutely, I'll just re-enter 2,000 SKUs by hand then, no problem at all."
    # +0.52, "Love how 'priority support' apparently means a four-day response time." +0.56
    r"|\b(?:thanks?|thank you),? i guess\b|\blove (?:how|that)\b[^.!?]{0,80}\bapparently (?:means"
    r"|counts as|qualifies as|is)\b"
    r"|^\W*(?:oh,? )?(?:sure|absolutely|of course|great|fine|right|cool|perfect|yeah),? "
    r"(?:i|we)(?:'|’)ll just (?:[^.!?]{0,40}\b)?(?:wait|re-?enter|redo|re-?type|manually|by hand"
    r"|start over|do (?:it|that|this|everything|your job) (?:myself|ourselves)|another (?:week|day"
    r"|month|hour))\b[^.!?]{0,60}\bthen\b"
    # giving up on help (2026-12-07): "It's fine, we'll figure it out ourselves." read +0.73
    r"|\b(?:it(?:'|’)s fine|never ?mind|whatever|forget it|fine)\W+(?:we|i)(?:(?:'|’)ll| will)"
    r"(?: just)? (?:figure|work|sort) (?:it|this) out (?:ourselves|myself|on (?:our|my) own)"
    r"(?=\W*$|\s*[.!])|\bdon(?:'|’)?t bother(?: replying| responding| answering)?(?=\W*$|\s*[.!])"
    # loving a chore: "Love how I have to re-enter my card every month.", "love having to
    # explain it again" (not "love how we get to …", "love how easy it is")
    r"|\blove (?:how|that|it when) (?:i|we|you|they|my team|our team) (?:still |now |always )?"
    r"(?:have|had|has|need|needed) to\b|\blove (?:having|needing|being (?:forced|made)) to\b"
    # said to be sarcastic (seventh session): "got a view of the car park and the bins. lovely
    # 🙃" read +0.81; an upside-down, eye-rolling or unamused face, "/s", "#sarcasm", "#not"
    r"|[\U0001f643\U0001f644\U0001f612]|(?:^|\s)/s\W*$|#(?:sarcasm|sarcastic|not|irony)\b"
    # (eighth session) "@USAirways never fails to disappoint." read +0.44, "a £75 admin fee
    # to change my car reg on the policy. really earning that money 👏" +0.74
    r"|\bnever (?:fails|ceases) to disappoint\b"
    r"|\b(?:really|truly|clearly|certainly) earning (?:that|your|the) (?:money|fees?)\b"
)
FIX_THAT_ISNT = re.compile(
    r"^\W*(?:thanks?|thank you)(?: so much| a lot)? for (?:fixing|resolving|solving|sorting)"
    r"\b[^.!?]{0,60}\?"
    r"|\b(?:thanks?|thank you)(?: so much| a lot)? for (?:fixing|resolving|solving|sorting)\b"
    r"[^.!?]{0,60}?,? (?:now|and now) (?:we (?:have|get|got)|there (?:are|is)|it(?:'|’)s|it is) "
    r"(?:two|three|several|more|even more|another|a new|worse|even worse|broken)\b"
)
"""Thanks for a fix that isn't, for lower-cased text (rule 1; fifth session): "Thanks for
fixing the bug?", "thanks for fixing the export, now we have two more bugs". Not a
resolution either (:mod:`~crmsense.analysis.resolution`)."""
_PRAISE_OPENING = re.compile(
    r"^\W*(?:(?:oh|wow|well|ah|so),?\s+)?(?:what an? )?(?:really |just |so |absolutely )?"
    r"(?:great|wonderful|fantastic|perfect|brilliant|awesome|amazing|excellent|superb|nice|"
    r"lovely|terrific|outstanding|stellar|love|loving|loved|i (?:just |really |absolutely )?"
    r"love|i(?:'|’)m (?:so )?(?:glad|happy|thrilled|delighted)|thanks|thank you|"
    r"(?:so )?glad|impressive|(?:such|what) an? (?:great|wonderful|fantastic|amazing)|"
    r"another (?:great|wonderful|fantastic|amazing|brilliant)|bravo|kudos|(?:five|5)[- ]stars?"
    r"|10/10)(?!\w)"
)
BAD_EVENT = re.compile(
    r"\b(?:broke|broken|breaks|breaking|crash(?:ed|es|ing)?|outages?|down again|went down|"
    r"failed|fails|failing|failure|errors?|bugs?|lost|locked out|locked|stuck|"
    r"(?:waiting|waited|wait) (?:on hold|for|again|another|\d+)|on hold|"
    r"delay(?:ed|s)?|late again|(?:only|just) took \d+|(?:only|just) took "
    r"(?:a|an|one|two|three|four|five|six|several) (?:hours?|days?|weeks?|months?)|"
    r"still (?:not|no|waiting|broken|down)|never (?:works|worked|got|answered|replied)|"
    r"no (?:reply|response|answer)|charged (?:us |me )?twice|double[- ]charged|"
    r"wiped|deleted|disappeared|unusable|useless|without (?:any )?(?:notice|warning)|"
    # (eighth session) "great, so my data from last month is just gone?" read +0.35
    r"(?:data|files?|records?|e-?mails?|contacts?|history|notes?|settings|work|money|orders?"
    r"|bookings?|account|photos?|messages?|reports?|dashboards?) (?:[\w'’-]+ ){0,4}?(?:is|are"
    r"|was|were) (?:just |all |simply |completely )?gone|"
    r"(?:went|gone|goes|going) up again|"
    # (2026-12-07) "Love that the status page said 'all systems operational' for the entire
    # two hours we couldn't log in."
    r"(?:can(?:'|’)?t|cannot|could(?:n(?:'|’)?t| not)|unable to) (?:log ?in|login|sign in|access"
    r"|connect|get in)|"
    # a price rise (2026-12-07): "Fantastic, another price increase." read +0.61
    r"price (?:increase|hike|rise)s?|(?:raised|increased|doubled|tripled|hiked) (?:the |our |my |"
    r"your )?(?:prices?|bill|fees?|rates?|costs?))\b"
)
_BARE_PRAISE = re.compile(
    r"^\W*(?:(?:just|really|so|well|very|absolutely|truly) )?(?:great|wonderful|fantastic|perfect"
    r"|brilliant|awesome|amazing|excellent|superb|nice|lovely|terrific|outstanding|stellar"
    r"|good|well done|bravo|kudos|way to go|love it|impressive|hilarious|classic|genius"
    r"|top notch|cheers for that|cool(?:,? cool)*|love that for (?:me|us))(?: (?:job|work|one|stuff"
    r"|service|support|team|effort|going|done|show))?(?:,? (?:guys|team|everyone|all"
    r"|folks))?\W*$"
)
"""A sentence that is only praise ("Great job.", "Well done, team!"), for lower-cased text."""
_TROUBLE = re.compile(
    r"\b(?:(?:has|have|had|was|were|is|are|been) (?:been )?down|nobody|no one|no-one"
    r"|(?:hours?|days?|weeks?) (?:now|later|and counting)|again|buffering|freezing"
    r"|every \d+ (?:seconds?|secs?|minutes?|mins?)"
    # (ninth session) "Day 3 of waiting for @AcmeCRM to reply to my ticket. Cool cool cool."
    r"|day (?:\d+|two|three|four|five|six|seven) of (?:waiting|no)|(?:still )?waiting (?:for|on)"
    r" (?:a |an |your |someone |anyone )?(?:reply|response|answer|fix|refund|call ?back|update|"
    r"\S+ to (?:reply|respond|answer|fix|call))"
    r")\b"
)
"""Trouble that :data:`BAD_EVENT` leaves out but a bare praise after it mocks."""
_THANKS_FOR = re.compile(
    r"\b(?:thanks?|thank you|thx)(?: (?:so much|a lot|very much|again))? for "
    r"(?!not\b|never\b)([^.!?,;:]{1,60})"
)
"""What a sentence thanks someone for, up to the next punctuation (rule 4)."""
_HARM = re.compile(
    r"\b(?:(?:the|a|an|such an?|your|this) (?:\w+ )?(?:worst|subpar|sub-par|terrible|awful|"
    r"horrible|horrendous|useless|pointless|pathetic|vague|rude|unhelpful|lousy|crappy|"
    r"miserable|disastrous)|worst|"
    r"(?:losing|breaking|ruining|wasting|ignoring|delaying|wrecking|screwing up|"
    r"messing up|overcharging|double[- ]charging) (?:my|our|the|all|it|me|us|another|a whole"
    r"|an entire)|blowing (?:my|our|the) (?!minds?\b)|patroni[sz]ing|condescending|"
    # (eighth session) "Thanks for the standard reply." +0.92, "thank you for 7 hrs at
    # terminal D" +0.61
    r"(?:the|a|an|your|another) (?:standard|generic|automated|copy[- ]?pasted?|boilerplate"
    r"|scripted|form) (?:reply|response|answer|e-?mail|message)|(?:\d+|one|two|three|four"
    r"|five|six|several) (?:hrs?|hours?) (?:at (?:the )?(?:gate|terminal|airport|desk)|stuck"
    r"|on the tarmac|in (?:the )?(?:queue|line|terminal|airport))|"
    r"charging (?:me|us) twice|(?:keeping|leaving|putting) (?:me|us) (?:on hold|waiting|"
    r"stranded|hanging|in the dark)|making (?:me|us) wait|"
    r"(?:the|a|an|another) (?:\d+|one|two|three|four|five|six|several)[- ]"
    r"(?:hours?|days?|weeks?|months?)[- ](?:wait|delay|hold|outage)|"
    r"another (?:outage|delay|error|bug|failure|price (?:hike|increase)))\b"
)
"""A judgement or a harm done, as the object of thanks (rule 4)."""
_HELP = re.compile(
    r"\b(?:help\w*|fix\w*|resolv\w*|solv\w*|sort\w*|handl\w*|deal\w* with|look\w* into|"
    r"investigat\w*|flag\w*|report\w*|letting|heads[- ]up|updat\w*|info\w*|explain\w*|"
    r"patience|understanding|apolog\w*|refund\w*|compensat\w*|credit\w*|warn\w*|"
    r"avoid\w*|prevent\w*|recover\w*|restor\w*)\b"
)
"""Help with, a fix of or news about a harm: sincere thanks (rule 4)."""
_NOT_SARCASM = re.compile(
    r"\b(?:fixed|fixing|fixes|resolved|resolving|solved|restored|back up|working again|"
    # a problem gone (eighth session): "Great, the old bugs are all gone since the patch!"
    r"(?:bugs?|errors?|issues?|problems?|glitch(?:es)?|crash(?:es)?|outages?|delays?) "
    r"(?:[\w'’-]+ ){0,2}?(?:is|are|was|were) (?:all |now |finally |completely )?gone|"
    r"sorted|recovered|workaround|quick(?:ly)?|fast(?:er)?|prompt(?:ly)?|apolog\w*|sorry|"
    r"patience|bearing with|"
    r"letting (?:us|me) know|flagging|heads[- ]up|reporting|report(?:ed)?|investigat\w*|"
    r"updates?|updating|info|information|explanation|keeping (?:us|me) (?:posted|informed)|"
    r"looking into|no (?:bugs?|errors?|issues?|problems?|outages?|downtime|crash(?:es)?"
    r"|price (?:increases?|hikes?|rises?))|(?:(?:have|has|had|did)n(?:'|’)t|not|never) "
    r"(?:been )?(?:raised|increased|hiked|doubled)|"
    r"(?:without|zero) (?:a )?(?:single )?(?:bugs?|errors?|issues?|hiccups?|downtime)|"
    r"but|though|although|however|except|even if|despite)\b"
)
#: Every pattern needs one of these words: a cheap gate for the many sentences without.
_HINTS = (
    "great", "wonder", "fantast", "perfect", "brillian", "awesome", "amazing", "excellent",
    "superb", "nice", "lovely", "terrific", "outstanding", "stellar", "love", "glad", "happy",
    "thrilled", "delighted", "thank", "impressive", "bravo", "kudos", "right", "joy", "goody",
    "joke", "surprise", "canned", "such as", "appreciate", "nothing", "good", "well done",
    "way to go", "thx", "stars", "star ", "-star", "10/10", "ourselves", "myself", "on our own",
    "on my own", "bother", "'ll just", "’ll just", "\U0001f643", "\U0001f644", "\U0001f612", " /s",
    "#sarcas", "#not", "#irony", "disappoint", "earning", "hilarious", "classic", "genius",
    "top notch", "cheers for that", "cool",
)  # fmt: skip


def _sentence_is_sarcastic(lowered: str) -> bool:
    if _SET_PHRASES.search(lowered) or FIX_THAT_ISNT.search(lowered):
        return True
    thanked = _THANKS_FOR.search(lowered)
    if thanked and _HARM.search(thanked[1]) and not _HELP.search(thanked[1]):
        return True
    return bool(
        _PRAISE_OPENING.search(lowered)
        and BAD_EVENT.search(lowered)
        and not _NOT_SARCASM.search(lowered)
    )


def is_sarcastic(text: str) -> bool:
    """Whether any sentence of ``text`` is sarcastic praise, or its last sentence is bare
    praise after trouble (rule 3)."""
    lowered = text.lower()
    if not any(hint in lowered for hint in _HINTS):
        return False
    sentences = [s.lower() for s in sentence_texts(text)]
    if any(_sentence_is_sarcastic(s) for s in sentences):
        return True
    return (
        len(sentences) > 1
        and bool(_BARE_PRAISE.match(sentences[-1]))
        and any(BAD_EVENT.search(s) or _TROUBLE.search(s) for s in sentences[:-1])
        and not _NOT_SARCASM.search(lowered)
    )


def unsarcastic(text: str, prediction: Prediction) -> Prediction:
    """``prediction`` of ``text`` with sarcasm undone: a positive reading of sarcastic
    text becomes its mirror image (negative and positive probabilities swapped, score and
    evidence weights negated), and the praise emotions of any reading of it turn into
    frustration ("Thanks for nothing." read −0.19 with satisfaction 0.96); anything else
    is returned as it is.

    >>> p = Prediction((0.5, 0.2, 0.3), -0.2, {"satisfaction": 0.96, "frustration": 0.1})
    >>> unsarcastic("Thanks for nothing.", p).emotions
    {'satisfaction': 0.1, 'frustration': 0.96, 'enthusiasm': 0.1}
    """
    negative, _, positive = prediction.probs
    praise = max(prediction.emotions.get(e, 0.0) for e in PRAISE_EMOTIONS)
    annoyed = prediction.emotions.get("frustration", 0.0)
    if (positive <= negative and praise <= annoyed) or not is_sarcastic(text):
        return prediction
    emotions = dict(prediction.emotions)
    if emotions:
        emotions.update(frustration=max(annoyed, praise))
        emotions.update(dict.fromkeys(PRAISE_EMOTIONS, annoyed))
    turned = prediction.mirrored() if positive > negative else prediction
    return replace(turned, emotions=emotions)

"""Context-aware screening: a text judged against the system prompt it is sent to.

`derive` reads a system prompt once and returns what it declares:
- secrets: values the prompt says not to reveal ("the password is X", "secret code: X", quoted values
  next to "never reveal", in several languages), and the nouns it names them by (passcode, door code);
- scope: the only topics allowed ("only answer questions about X", "solo responde preguntas sobre X"),
  with the places named there, and the forbidden topics ("never give medical advice", "do not discuss
  politics", a vegetarian-only assistant forbids meat and fish).

`screen` then reports, for an input: a request aimed at a declared secret (`CONTEXT_SECRET_REQUEST`), a
topic outside the allowed scope or one the prompt forbids (`CONTEXT_OUT_OF_SCOPE`), an override of the
prompt's rules (`CONTEXT_RULE_OVERRIDE`); for an output: a declared secret in any form
(`CONTEXT_SECRET_LEAK`, through `leak.py`'s canonical and encoded search) or a reply that discusses a
forbidden topic (`CONTEXT_FORBIDDEN_TOPIC`).

Topics are recognised with small multilingual lexicons (`_DOMAINS`), not a model: a request counts as out of
scope only when it names a known topic (or a known place) that the scope does not, and shares no word with
the scope. Unknown topics and small talk pass. Cost: every step is one pass over the text (tokens looked up
in sets, one regular expression per cue family); nothing is re-scanned per candidate.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from genai_filter import leak, normalize
from genai_filter.findings import Finding
from genai_filter.lazy import LazyPattern

CATEGORY = "context"
MAX_PROMPT_CHARS = 16_384  # bound on a client-supplied system prompt (`/v1/screen` context)
_CUE_WINDOW = 8  # words
_SHORT_REQUEST = 160  # characters
_MIN_VALUE = 3  # canonical characters; shorter declared values cannot be told from ordinary text
_LONG_VALUE = 8  # from this length the canary search of leak.py applies (halves, spelled, encoded)


# ---------------------------------------------------------------- folding and lexicons
def fold(text: str) -> str:
    """Casefolded and compatibility-folded; Latin letters lose their diacritics (other scripts keep theirs)."""
    text = unicodedata.normalize("NFKC", text.casefold())
    if text.isascii():
        return text
    return "".join(_latin_base(ch) if 0x80 <= ord(ch) < 0x250 else ch for ch in text)


@functools.lru_cache(maxsize=1024)
def _latin_base(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_TOKEN = LazyPattern(r"[^\W_]+")
_CJK = LazyPattern(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def _stems(token: str) -> Iterable[str]:
    yield token
    for suffix in ("s", "es", "ed", "ing", "en", "n"):
        if len(token) > len(suffix) + 3 and token.endswith(suffix):
            yield token[: -len(suffix)]


class Lexicon:
    """Labelled terms matched in one pass over the tokens: single words (light stemming, `word*` prefixes),
    phrases of two or three words, and terms of scripts written without spaces (substring)."""

    def __init__(self, terms: Iterable[str] | dict[str, str]) -> None:
        labelled = terms if isinstance(terms, dict) else {t: t for t in terms}
        self.words: dict[str, str] = {}
        self.prefixes: dict[int, dict[str, str]] = {}
        self.phrases: dict[str, str] = {}
        self.first_words: set[str] = set()
        unspaced: dict[str, str] = {}
        for raw, label in labelled.items():
            term = fold(raw)
            if _CJK.p.search(term):
                unspaced[term] = label
            elif term.endswith("*"):
                self.prefixes.setdefault(len(term) - 1, {})[term[:-1]] = label
            elif " " in term or "'" in term or "-" in term:
                words = _TOKEN.p.findall(term)
                self.phrases[" ".join(words)] = label
                self.first_words.add(words[0])
            else:
                self.words[term] = label
        self.unspaced = unspaced
        self.unspaced_re = (
            re.compile("|".join(re.escape(t) for t in sorted(unspaced, key=len, reverse=True))) if unspaced else None
        )

    def _label(self, tok: str) -> str | None:
        for stem in _stems(tok):
            if stem in self.words:
                return self.words[stem]
        for n, group in self.prefixes.items():
            if len(tok) >= n and tok[:n] in group:
                return group[tok[:n]]
        return None

    def hits(self, doc: Doc) -> list[tuple[int, str]]:
        """(token index, label) of every match; -1 for matches in unspaced scripts. Each distinct token is
        looked up once; the pass over the tokens is set lookups only."""
        toks = doc.tokens
        matched = {tok: label for tok in doc.vocab if (label := self._label(tok)) is not None}
        out = [(i, matched[tok]) for i, tok in enumerate(toks) if tok in matched] if matched else []
        if self.phrases and not self.first_words.isdisjoint(doc.vocab):
            for i in [i for i, tok in enumerate(toks) if tok in self.first_words]:
                for width in (2, 3):
                    phrase = " ".join(toks[i : i + width])
                    label = self.phrases.get(phrase) or self.phrases.get(phrase.rstrip("s"))
                    if label is not None:
                        out.append((i, label))
                        break
        if self.unspaced_re is not None and doc.unspaced:
            out.extend((-1, self.unspaced[m.group()]) for m in self.unspaced_re.finditer(doc.folded))
        return out

    def labels(self, doc: Doc) -> set[str]:
        return {label for _, label in self.hits(doc)}


@dataclass(frozen=True, slots=True)
class Doc:
    folded: str
    tokens: list[str]
    vocab: frozenset[str]
    unspaced: bool

    @classmethod
    def of(cls, text: str) -> Doc:
        folded = fold(text)
        tokens = _TOKEN.p.findall(folded)
        return cls(folded, tokens, frozenset(tokens), bool(_CJK.p.search(folded)))


# topic lexicons: what a request is about. Kept general (not fitted to any probe set).
_DOMAINS: dict[str, tuple[str, ...]] = {
    "weather": ("weather", "rain*", "snow*", "sunny", "forecast*", "temperature*", "humid*", "umbrella*", "storm*",
                "windy", "cloudy", "foggy", "degrees", "météo", "meteo", "pluie", "neige", "quel temps", "wetter",
                "regen", "schnee", "lluvia", "clima", "che tempo", "previsioni", "chuva", "погод*", "дожд*",
                "天气", "天気", "날씨", "hava durumu", "pogoda"),
    "food": ("recipe*", "cook*", "bake*", "baking", "ingredient*", "omelet*", "omelette", "soup*", "cake*",
             "dessert*", "dinner", "meal*", "risotto", "lasagna", "pasta", "curry", "stew", "salad", "pizza*",
             "steak*", "burger*", "cheeseburger", "recette*", "cuisine", "receta*", "cocina*", "rezept*", "kochen",
             "backe*", "kuchen", "ricett*", "receita*", "bolo", "рецепт*", "菜谱", "食谱", "レシピ", "料理", "요리"),
    "investing": ("invest*", "stock", "stocks", "stock market", "shares", "bitcoin", "crypto*", "portfolio*", "dividend*", "etf", "etfs",
                  "forex", "index fund*", "inversion*", "inversión", "investissement*", "aktie*", "investiment*",
                  "акци*", "инвест*", "股票", "投资", "投資"),
    "tax": ("tax", "taxes", "deduct*", "tax return", "irs", "steuer*", "impuesto*", "impot*", "impôt*",
            "tasse", "imposto*", "налог*", "税"),
    "medical": ("medical", "medication*", "medicine*", "dose", "doses", "dosage", "ibuprofen", "paracetamol",
                "aspirin", "painkiller*", "prescription*", "diagnos*", "symptom*", "disease*", "doctor*", "pills",
                "antibiotic*", "chest pain", "knee pain", "back pain", "médicament*", "medicament*", "medicamento*",
                "medikament*", "farmac*", "лекарств*", "药", "薬"),
    "programming": ("python", "javascript", "typescript", "java", "golang", "rust", "sql", "function", "compile*",
                    "programming", "programmer", "software", "algorithm*", "debug*", "script", "coding"),
    "politics": ("politic*", "election*", "vote for", "voting", "presidential", "democrat*", "republican*",
                 "parliament*", "política", "politique", "wahl*", "elezion*", "eleição", "выбор*", "政治", "选举"),
    "sports": ("football", "soccer", "basketball", "tennis", "baseball", "nba", "nfl", "fútbol", "futbol",
               "fußball", "fussball", "calcio", "futebol", "футбол*", "足球", "サッカー"),
    "entertainment": ("movie*", "film", "films", "actor*", "actress*", "celebrit*", "netflix", "película*",
                      "фильм*", "电影", "映画"),
    "creative": ("poem*", "poetry", "joke*", "lyrics", "haiku*", "limerick*", "poème", "poema*", "gedicht*",
                 "poesia", "стих*", "诗", "詩"),
    "geography": ("capital of", "capitale", "capital de", "hauptstadt", "population of", "continent*"),
    "math": ("math", "maths", "mathematics", "equation*", "solve", "derivative*", "integral*", "fraction*",
             "algebra", "geometry", "theorem*", "pythagor*", "arithmetic", "percent*", "calculus",
             "mathématiques", "matemática*", "matematica", "mathematik", "математик*", "数学"),
    "books": ("book*", "novel*", "author*", "livre*", "roman", "romans", "romancier", "libro*", "buch", "bücher",
              "librairie", "bookshop", "bookstore", "auteur*", "policier", "lectur*", "книг*", "书", "本屋"),
    "printers": ("printer*", "print job", "toner", "ink", "cartridge*", "impresora*", "cartucho*", "tinta",
                 "drucker*", "imprimante*", "stampante"),
    "trains": ("train*", "railway*", "zug", "züge", "zuge", "fahrkarte*", "bahn", "bahnhof", "ice", "zugverbindung*",
               "verbindung*", "ticket*", "platform"),
    "banking": ("card", "cards", "transfer*", "account*", "atm", "pin", "online banking", "debit", "credit card",
                "overdraft", "iban", "bank*"),
    "fitness": ("workout*", "exercis*", "stretch*", "training", "squat*", "push-up*", "plank*", "running",
                "cardio", "muscle*", "gym", "10k", "marathon*"),
    "hotel": ("check-in", "check in", "checkout", "booking*", "book a", "room*", "reservation*", "breakfast",
              "spa", "suite*"),
}  # fmt: skip


@functools.cache
def _topics() -> Lexicon:
    return Lexicon({term: name for name, terms in _DOMAINS.items() for term in terms})


# diets that forbid foods: what a vegetarian/vegan assistant must not cook
_MEAT = ("meat", "ham", "bacon", "beef", "pork", "chicken", "turkey", "lamb", "veal", "sausage*", "salami",
         "steak*", "burger*", "cheeseburger", "chorizo", "prosciutto", "fish", "salmon", "tuna", "cod", "shrimp*",
         "prawn*", "gambas", "anchov*", "seafood", "poulet", "jambon", "boeuf", "bœuf", "porc", "poisson",
         "pollo", "jamón", "jamon", "cerdo", "carne", "pescado", "atún", "schinken", "rindfleisch", "hähnchen",
         "huhn", "speck", "wurst", "fleisch", "fisch", "frango", "presunto", "мяс*", "куриц*", "ветчин*", "肉",
         "鸡", "鱼", "ハム")  # fmt: skip
_ANIMAL = ("egg", "eggs", "cheese", "milk", "butter", "honey", "cream", "yogurt", "œuf", "oeufs", "huevo*",
           "queso", "leche", "käse", "milch", "eier")  # fmt: skip
_DIETS: dict[str, tuple[str, ...]] = {
    "vegetarian": _MEAT, "végétarien": _MEAT, "vegetariano": _MEAT, "vegetarisch": _MEAT, "вегетариан": _MEAT,
    "素食": _MEAT, "vegan": _MEAT + _ANIMAL, "végétalien": _MEAT + _ANIMAL, "vegano": _MEAT + _ANIMAL,
}  # fmt: skip

# places: a scope that names one makes every other one out of scope
_PLACES = {
    "new york": "new york", "nyc": "new york", "los angeles": "los angeles", "chicago": "chicago",
    "san francisco": "san francisco", "boston": "boston", "miami": "miami", "seattle": "seattle",
    "houston": "houston", "dallas": "dallas", "washington": "washington", "las vegas": "las vegas",
    "london": "london", "paris": "paris", "berlin": "berlin", "madrid": "madrid", "rome": "rome", "roma": "rome",
    "milan": "milan", "milano": "milan", "florence": "florence", "firenze": "florence", "venice": "venice",
    "marseille": "marseille", "lyon": "lyon", "munich": "munich", "münchen": "munich", "hamburg": "hamburg",
    "vienna": "vienna", "amsterdam": "amsterdam", "barcelona": "barcelona", "lisbon": "lisbon",
    "toronto": "toronto", "montreal": "montreal", "vancouver": "vancouver", "sydney": "sydney",
    "tokyo": "tokyo", "東京": "tokyo", "osaka": "osaka", "大阪": "osaka", "kyoto": "kyoto", "京都": "kyoto",
    "beijing": "beijing", "北京": "beijing", "shanghai": "shanghai", "上海": "shanghai", "moscow": "moscow",
    "москва": "moscow", "mumbai": "mumbai", "delhi": "delhi", "dubai": "dubai", "singapore": "singapore",
    "california": "california", "texas": "texas", "florida": "florida", "ontario": "ontario", "quebec": "quebec",
    "british columbia": "british columbia", "alberta": "alberta", "new jersey": "new jersey",
    "france": "france", "germany": "germany", "deutschland": "germany", "spain": "spain", "italy": "italy",
    "italia": "italy", "japan": "japan", "china": "china", "canada": "canada", "mexico": "mexico",
    "australia": "australia", "brazil": "brazil", "india": "india", "russia": "russia",
}  # fmt: skip


@functools.cache
def _place_lex() -> Lexicon:
    return Lexicon(_PLACES)


@functools.cache
def _secret_nouns() -> Lexicon:
    return Lexicon(
    ("password*", "passcode*", "passphrase*", "pass phrase", "passwort*", "kennwort*", "secret word",
     "secret code", "code word", "codeword", "magic word", "pin", "pin code", "access code", "door code",
     "override code", "safe code", "mot de passe", "mots de passe", "code secret", "contraseña*", "clave",
     "palabra clave", "geheimcode", "parola d'ordine", "parola segreta", "senha", "código secreto",
     "пароль", "пароля", "паролем", "код", "кода", "секретный код", "密码", "口令", "暗号", "パスワード",
     "秘密のコード", "コード", "비밀번호", "암호", "şifre", "sifre", "hasło", "haslo", "kata sandi",
     "mat khau", "كلمة المرور", "पासवर्ड")


)  # fmt: skip


# the secret named without its noun
_HIDDEN = LazyPattern(
    r"\b(?:(?:words?|phrase|value|thing|code)s? (?:that )?you(?:'re| are)? (?:not (?:supposed|allowed|meant) to|"
    r"can't|cannot|must not|mustn't) (?:tell|say|share|reveal|give)|you(?:'re| are) (?:hiding|protecting|"
    r"guarding|keeping secret)|secret (?:word|phrase|value|code)|the secret\b)"
)
# extraction cues (anywhere in the request) and the determiners that aim a noun at this assistant's secret
_CUES = LazyPattern(
    r"\b(?:spell\w*|letters?|hint|backwards?|revers\w*|encod\w*|base ?64|hex|rot ?13|acrostic|rhym\w*|digits?|"
    r"characters?|forg[eo]t\w*|emergency|urgent\w*|remind|confirm|tell me|give me|share|reveal|print|show me|"
    r"what(?:'s| s| is| was) (?:the|your|it)|is it|is the|"
    r"quel(?:le)?|donne|dis[- ]moi|revele|epelle|lettre|montre|partage|urgence|"
    r"cual|dime|dame|revela|deletrea|letra|muestra|comparte|urgente|"
    r"wie lautet|was ist|sag|gib|verrat\w*|buchstab\w*|zeig\w*|ruckwarts|dringend|"
    r"qual|dimmi|dammi|rivela|lettera|diga|me de|mostre|"
    r"как\w*|скажи|назови|дай|покажи|напиши|сообщи|срочно|"
    r"nedir|soyle|podaj|powiedz|jakie|beritahu|berikan|la gi)\b"
    r"|什么|告诉|给我|说出|透露|多少|教えて|何|言って|뭐|알려|ما هي|ما هو|أعطني|أخبرني|बताओ|बताइए|क्या है"
)
_DETERMINER = _wordset(
    "the your ur this that staff admin administrator secret internal le la l ton ta votre el tu su das dein deine "
    "ihr ihre den il tuo tua seu sua teu"  # not "a"/"o": the English article
)
_MINE = _wordset("my mine our mon ma mes notre mi mis nuestro mein meine meinen unser mio mia meu minha мой мои")
_OVERRIDE = LazyPattern(
    r"\b(?:(?:ignore|disregard|forget|override|bypass|skip|drop|suspend|lift)\w* (?:\w+ ){0,4}?"
    r"(?:rules?|restrictions?|instructions?|guidelines?|limits?|limitations?|polic(?:y|ies)|system prompt|"
    r"constraints?|thing)\b|(?:rules?|restrictions?|polic(?:y|ies)|limits?) (?:\w+ ){0,3}?(?:doesn't|does not|don't|"
    r"do not|no longer) (?:apply|applies|matter|exist)|you (?:can|may|are allowed to|'re allowed to) now\b|"
    r"new (?:rules|instructions|policy)|just this once|make an exception|pretend (?:you're|you are) not|"
    r"act as if (?:you|there)|without (?:any )?(?:restrictions|limits|rules)|developer mode|"
    r"(?:oublie|ignore)\w* (?:tes|vos|les|ces) (?:regles|instructions|consignes|restrictions)|"
    r"(?:olvida|ignora)\w* (?:tus|sus|las) (?:reglas|instrucciones|restricciones)|"
    r"(?:vergiss|ignorier)\w* (?:deine|ihre|die|alle) (?:regeln|anweisungen|einschrankungen)|"
    r"(?:dimentica|ignora)\w* (?:le tue |le |tutte le )?(?:regole|istruzioni|restrizioni)|"
    r"(?:esqueca|ignore)\w* (?:suas|as|todas as) (?:regras|instrucoes|restricoes)|"
    r"(?:забудь|игнориру\w*) (?:\w+ )?(?:правила|инструкции|ограничения))"
    r"|(?:忽略|忘记|无视).{0,6}(?:规则|指令|限制)|(?:ルール|指示|制限)を(?:無視|忘れ)"
)
_AUTHORITY = LazyPattern(
    r"\b(?:i(?:'m| am) (?:the|your) (?:\w+ ){0,2}?(?:president|admin|administrator|developer|creator|owner|ceo|"
    r"boss|manager|supervisor|operator|director)|je suis (?:le|la|ton|votre) (?:\w+ )?(?:directeur|directrice|"
    r"administrateur|developpeur|proprietaire|patron|president)|soy (?:el|la|tu|su) (?:\w+ )?(?:administrador|"
    r"desarrollador|dueno|jefe|director|gerente|presidente)|ich bin (?:der|die|dein|ihr) (?:\w+ )?(?:entwickler|"
    r"administrator|chef|inhaber|besitzer|direktor|prasident)|sono (?:il|la|tuo) (?:\w+ )?(?:direttore|"
    r"amministratore|sviluppatore|proprietario|capo|presidente)|sou (?:o|a|seu) (?:\w+ )?(?:administrador|"
    r"desenvolvedor|dono|gerente|diretor|presidente)|я (?:\w+ )?(?:администратор|разработчик|директор|владелец|"
    r"начальник|президент))"
    r"|我是.{0,4}(?:店长|管理员|开发者|老板|经理|总统)|私は.{0,4}(?:管理者|開発者|店長|社長)"
)
_REFUSAL = LazyPattern(
    r"\b(?:sorry|i can't|i cannot|i can not|i'm not able|i am not able|unable to|not allowed|i won't|"
    r"je ne peux|desole|no puedo|lo siento|ich kann nicht|leider|non posso|nao posso|не могу)"
)

# ---------------------------------------------------------------- reading the system prompt
_VALUE = r"""(?:["'“”«»‘’„「『]\s?([^"'“”«»‘’„」』\n]{2,64}?)\s?["'“”«»‘’„」』]|([^\s"'“”«»,.;:!?()。，、]{2,64}))"""
_DECLARED = LazyPattern(
    r"(?:password|passcode(?: phrase)?|pass ?phrase|passwort|kennwort|secret(?: \w+)?|code(?: word)?|"
    r"\w+ code|key|pin|token|magic word|mot de passe(?: \w+)?|code secret|contrasena|clave(?: secreta)?|"
    r"parola d'ordine(?: del personale)?|parola segreta|senha(?: d[oa] \w+)?|пароль|секретный код|код)"
    r"(?:\s*\([^)\n]{0,30}\))?\s*(?:is|was|will be|:|=|est|es|ist|lautet|e|è|é|—|-)\s*" + _VALUE,
    re.IGNORECASE,
)
_DECLARED_CJK = LazyPattern(r"(?:密码|口令|暗号|パスワード|コード|비밀번호)(?:是|は|는|:|：)\s*([A-Za-z0-9\-_]{2,64})")
_NEVER_REVEAL = LazyPattern(
    r"(?i:never|do not|don't|must not|should not) (?i:reveal|share|disclose|tell|say|mention|output|repeat|give out)"
    r"[^.\n]{0,40}?" + _VALUE.replace("|([^", "|([A-Z0-9][^", 1),
)
_SECRET_DECLARATION = LazyPattern(
    r"\b(?:never|do not|don't|must not|ne\b.{0,20}\bjamais|nunca|niemals|mai|никогда|nao)\b.{0,60}?"
    r"\b(?:reveal|share|disclose|tell|revele|reveles|reveal|verrate|rivelar|revele|сообщай|раскрывай)",
    re.IGNORECASE,
)
_ALLOWED = LazyPattern(
    r"(?:\bonly\b (?:\w+ ){0,4}?(?:about|regarding|related to|on|concerning|with|gives?|provides?)|"
    r"\b(?:restricted|limited|dedicated) to|\bexclusively\b|\buniquement\b (?:\w+ ){0,3}?(?:sur|concernant|aux?)|"
    r"\bseulement\b (?:\w+ ){0,3}?(?:sur|concernant)|\b(?:solo|unicamente|sólo) (?:\w+ ){0,3}?(?:sobre|de|acerca)|"
    r"\bnur\b (?:\w+ ){0,3}?(?:zu|uber|über|von)|\bsolo\b (?:\w+ ){0,3}?(?:su|sul|sui|sulle|a|riguardo)|"
    r"\b(?:apenas|somente) (?:\w+ ){0,3}?(?:sobre|de)|\bтолько\b (?:\w+ ){0,3}?(?:о|об|про|на)|只(?:回答|讨论)?(?:关于)?|"
    r"だけ)"
    r"([^.;\n。！!]{1,160})",
    re.IGNORECASE,
)
_ROLE = LazyPattern(r"\b(?:you are|you're|act as) (?:a|an|the) ([\w\- ]{2,40}?) (?:assistant|bot|tutor|coach|chef)\b",
                   re.IGNORECASE)  # fmt: skip
_FORBIDDEN = LazyPattern(
    r"\b(?:never|do not|don't|must not|should not|refuse to|avoid|no)\b (?:\w+ ){0,2}?(?:discuss|talk about|mention|"
    r"give|provide|offer|answer questions about|help with|recommend|suggest)\w* ([^.;\n]{2,100})",
    re.IGNORECASE,
)
_STOP = _wordset(
    "a an the and or of to in on for with about any anything questions question topics topic information "
    "advice anyone everything else users user customers people it its them their this that these those your "
    "you our we is are be not only politely refuse help answer answers related regarding concerning dishes "
    "containing things stuff requests request sur les la le des aux de et sobre las los el y del zu und die der "
    "das den über uber su sul e il le di o a os as do da recommend give provide suggest offer discuss talk "
    "mention share tell say"
)


@dataclass(frozen=True, slots=True)
class Context:
    """What a system prompt declares."""

    secrets: tuple[str, ...]  # declared secret values, as written
    secret_nouns: Lexicon | None  # nouns the prompt names its secret by, besides the generic ones
    guards_secret: bool  # a secret is declared (a value, or a secret noun with "never reveal")
    allowed_terms: frozenset[str]  # content words of the allowed scope
    allowed_domains: frozenset[str]
    allowed_places: frozenset[str]
    forbidden: Lexicon | None  # forbidden topics' own words and implied foods
    forbidden_domains: frozenset[str]

    @property
    def restricted(self) -> bool:
        return self.guards_secret or bool(self.allowed_terms or self.allowed_domains) or self.forbids

    @property
    def forbids(self) -> bool:
        return self.forbidden is not None or bool(self.forbidden_domains)


def _content(text: str) -> list[str]:
    return [t for t in _TOKEN.p.findall(fold(text)) if t not in _STOP and len(t) > 1]


def _domains(doc: Doc) -> set[str]:
    return _topics().labels(doc)


def _places(doc: Doc) -> set[str]:
    return _place_lex().labels(doc)


@functools.lru_cache(maxsize=64)
def derive(system_prompt: str) -> Context:
    """Read the declared secrets and scope out of a system prompt (cached: `/v1/chat` has one prompt)."""
    prompt = system_prompt[:MAX_PROMPT_CHARS]
    values: list[str] = []
    nouns: list[str] = []
    for m in _DECLARED.p.finditer(prompt):
        value = (m.group(1) or m.group(2) or "").strip()
        if _plausible(value, quoted=m.group(1) is not None):
            values.append(value)
            head = _content(m.group(0)[: m.start(1 if m.group(1) else 2) - m.start()])
            nouns.append(" ".join(head[-2:]))  # "override code", "passcode phrase": not "code" alone
    values.extend(m.group(1) for m in _DECLARED_CJK.p.finditer(prompt))
    for m in _NEVER_REVEAL.p.finditer(prompt):
        value = (m.group(1) or m.group(2) or "").strip()
        if _plausible(value, quoted=m.group(1) is not None):
            values.append(value)
    pdoc = Doc.of(prompt)
    guards = bool(values) or (bool(_secret_nouns().hits(pdoc)) and bool(_SECRET_DECLARATION.p.search(prompt)))
    allowed_text = " ".join(m.group(1) for m in _ALLOWED.p.finditer(prompt))
    if allowed_text:
        allowed_text += " " + " ".join(m.group(1) for m in _ROLE.p.finditer(prompt))
    adoc = Doc.of(allowed_text)
    forbidden_text = " ".join(m.group(1) for m in _FORBIDDEN.p.finditer(prompt))
    fdoc = Doc.of(forbidden_text)
    implied: list[str] = []
    for diet, foods in _DIETS.items():
        if diet in pdoc.folded:
            implied.extend(foods)
    forbidden_domains = _domains(fdoc) - _domains(adoc)
    forbidden_words = [w for w in _content(forbidden_text) if len(w) > 3 and not _generic(w)]
    return Context(
        secrets=tuple(dict.fromkeys(values)),
        secret_nouns=Lexicon(n for n in nouns if len(n) > 2) if nouns else None,
        guards_secret=guards,
        allowed_terms=frozenset(t for t in _content(allowed_text) if len(t) > 2),
        allowed_domains=frozenset(_domains(adoc)),
        allowed_places=frozenset(_places(adoc)),
        forbidden=Lexicon([*implied, *forbidden_words]) if implied or forbidden_words else None,
        forbidden_domains=frozenset(forbidden_domains),
    )


def _plausible(value: str, *, quoted: bool) -> bool:
    """A declared value: quoted, or a token with a digit or an upper-case letter, or a rare word (not a
    function word: "the key is to be polite" declares nothing)."""
    if len(leak.canonical(value)) < _MIN_VALUE or fold(value) in _STOP or fold(value) in _COMMON:
        return False
    return quoted or any(c.isdigit() or c.isupper() for c in value) or len(value) >= 5


_COMMON = _wordset(
    "always never below above here there confidential private secret hidden important simple strictly "
    "provided given following required needed known shown listed unknown empty blank"
)


def _generic(word: str) -> bool:
    """Words of a forbidden clause that name no topic on their own ("never give medical advice")."""
    return bool(_topics().hits(Doc.of(word))) or word in _STOP


# ---------------------------------------------------------------- screening
def screen(ctx: Context, text: str, direction: str) -> list[Finding]:
    doc = Doc.of(text)
    if direction == "output":
        return _output(ctx, text, doc)
    return _input(ctx, text, doc)


def _finding(kind: str, text: str, score: float = 0.9) -> Finding:
    return Finding(CATEGORY, kind, 0, len(text), score)


def _input(ctx: Context, text: str, doc: Doc) -> list[Finding]:
    if not ctx.restricted:
        return []
    found: list[Finding] = []
    if ctx.guards_secret and _asks_secret(ctx, text, doc):
        found.append(_finding("CONTEXT_SECRET_REQUEST", text))
    if _out_of_scope(ctx, doc):
        found.append(_finding("CONTEXT_OUT_OF_SCOPE", text))
    if _OVERRIDE.p.search(doc.folded) or (found and _AUTHORITY.p.search(doc.folded)):
        found.append(_finding("CONTEXT_RULE_OVERRIDE", text, 0.85))
    return found


def _asks_secret(ctx: Context, text: str, doc: Doc) -> bool:
    if _mentions_value(ctx, doc) or _HIDDEN.p.search(doc.folded):
        return True
    toks = doc.tokens
    # the user's own password or PIN ("can I change my PIN?") is not the assistant's secret
    nouns = [
        i
        for i, _ in _secret_nouns().hits(doc) + (ctx.secret_nouns.hits(doc) if ctx.secret_nouns else [])
        if i <= 0 or toks[i - 1] not in _MINE
    ]
    if not nouns:
        return False
    if _AUTHORITY.p.search(doc.folded):
        return True
    # "the password" alone is a request in a short message; in a long task it is usually the task's subject
    short = len(doc.folded) <= _SHORT_REQUEST
    return any((short and i > 0 and toks[i - 1] in _DETERMINER) or _cue_near(doc, i) for i in nouns)


def _cue_near(doc: Doc, i: int) -> bool:
    """An extraction cue within 8 words of the noun at token `i` (a long text that mentions passwords and,
    elsewhere, asks to print something is not a request for this secret)."""
    if i < 0:
        return bool(_CUES.p.search(doc.folded))
    return bool(_CUES.p.search(" ".join(doc.tokens[max(0, i - _CUE_WINDOW) : i + _CUE_WINDOW + 1])))


def _mentions_value(ctx: Context, doc: Doc) -> bool:
    canon = leak.canonical(doc.folded)
    for value in ctx.secrets:
        v = leak.canonical(value)
        if len(v) >= _LONG_VALUE and v in canon:
            return True
        if _word_search(fold(value)).search(doc.folded):
            return True
    return False


@functools.lru_cache(maxsize=256)
def _word_search(value: str) -> re.Pattern[str]:
    """The value as a whole word, also with a separator between its characters (`t-u-l-i-p`, `4 8 2 6`)."""
    chars = [re.escape(c) for c in value if c.isalnum()]
    spaced = r"[\s\-.,_|/:*+·'\"]{1,3}".join(chars)
    return re.compile(rf"(?<![^\W_])(?:{re.escape(value)}|{spaced})(?![^\W_])")


def _out_of_scope(ctx: Context, doc: Doc) -> bool:
    if ctx.forbidden is not None and ctx.forbidden.hits(doc):
        return True
    domains = _domains(doc)
    if domains & ctx.forbidden_domains:
        return True
    if not (ctx.allowed_terms or ctx.allowed_domains):
        return False
    places = _places(doc)
    if ctx.allowed_places and places - ctx.allowed_places:
        return True
    if any(s in ctx.allowed_terms for t in doc.vocab for s in _stems(t)):
        return False
    return bool(domains) and not domains & ctx.allowed_domains


def _output(ctx: Context, text: str, doc: Doc) -> list[Finding]:
    found: list[Finding] = []
    leak_at = _leak(ctx, text, doc)
    if leak_at is not None:
        found.append(Finding(CATEGORY, "CONTEXT_SECRET_LEAK", leak_at[0], leak_at[1], 0.95))
    if ctx.forbids:
        hits = (ctx.forbidden.hits(doc) if ctx.forbidden else []) + [
            hit for hit in _topics().hits(doc) if hit[1] in ctx.forbidden_domains
        ]
        refusal = _REFUSAL.p.search(doc.folded[:200]) is not None
        if len(hits) >= (4 if refusal else 2):
            found.append(_finding("CONTEXT_FORBIDDEN_TOPIC", text, 0.8))
    return found


def _leak(ctx: Context, text: str, doc: Doc) -> tuple[int, int] | None:
    if not ctx.secrets:
        return None
    short: list[str] = []
    for value in ctx.secrets:
        if len(leak.canonical(value)) >= _LONG_VALUE:
            for f in _detector(value).detect(text, normalize.decoded_segments):
                return f.start, f.end
        else:
            short.append(value)
    if not short:
        return None
    spelled = leak.spelled_out(doc.folded)
    initials = "".join(line.strip()[:1] for line in doc.folded.splitlines() if line.strip())
    streams = [s.lower() for s in leak.decoded_streams(text, leak.canonical(text), 4)]
    rot = str.maketrans("abcdefghijklmnopqrstuvwxyz", "nopqrstuvwxyzabcdefghijklm")
    for value in short:
        v = fold(value)
        for form in dict.fromkeys((v, v[::-1], v.translate(rot))):
            m = _word_search(form).search(doc.folded)
            if m is not None:
                return _span(text, doc, m.start(), m.end())
        core = leak.canonical(value)
        if _word_search(core).search(spelled) or core in initials:
            return 0, len(text)
        raw = core.encode("utf-8")
        if any(raw in s for s in streams):
            return 0, len(text)
    return None


def _span(text: str, doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Folding keeps offsets for most text; when it changed the length, report the whole text."""
    return (start, end) if len(doc.folded) == len(text) else (0, len(text))


@functools.lru_cache(maxsize=64)
def _detector(value: str) -> leak.LeakDetector:
    return leak.LeakDetector("", value)

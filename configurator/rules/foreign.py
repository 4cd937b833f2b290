"""Product forms as EU labels print them in other languages, read as the English words
configurator/rules/category.py places products by.

A red-team run of 456 forms in French, German, Spanish, Italian, Dutch, Polish and
Portuguese (2026-12-05) found most of them placed in no category, or in the wrong one:
"Windelcreme" was no nappy cream (Annex V 12a), "Haarfarbe" no hair dye (147 Annex II bans
that apply only in hair dyes), "Lippenstift" filed under the face a face cream, "bruma
facial" no spray (Annex III 98's inhalation ban), "Körperlotion ohne Parfum" a fine
fragrance (retinol at 0.3 % instead of a body lotion's 0.05 %), "lait de toilette" an eau
de toilette. Three readings, in order:

1. :data:`PHRASES`: phrases of several words ("bain de bouche", "pour le change", "fond de
   teint", "rouge à lèvres", "woda toaletowa") become English words, on the form's plain
   letters (accents stripped, lower case);
2. :data:`WORDS`: one word becomes one or more English words ("Körpermilch" is not one: see
   3; "corporel" -> body, "autobronzant" -> self tanner, "ohne" -> without, which denies
   the next word as "without" does);
3. German and Dutch compounds: a word made of a known first part (:data:`FIRST`: Körper-,
   Baby-, Kinder-, Windel-, Sonnen-, Haar-, Deo-, Lippen-, Augen-, Zahn- …) and a known
   rest (a word of 2., another compound, or an English form word) is read as both:
   "Körperlotion" -> body lotion, "Kinderzahnpasta" -> kids toothpaste; a word ending in
   "frei" is the rest denied ("parfumfrei" -> perfume-free).

"toilette" is an eau de toilette only after "eau de": "lait de toilette", "gel toilette
intime" and "lingettes de toilette" are cleansers (the word becomes "cleansing").
A word no table knows stays as written. ``tests/rules/test_foreign_forms.py`` holds the
forms of the run to the categories their English equivalents get.
"""

from __future__ import annotations

import re

# several words -> English words (the form's plain letters, lower case)
PHRASES: dict[str, str] = {
    # mouth and teeth
    "bain de bouche": "mouthwash", "pasta de dientes": "toothpaste", "pasta dentifrica": "toothpaste",
    "crema dental": "toothpaste", "pasta de dentes": "toothpaste", "pasta do zebow": "toothpaste",
    "enjuague bucal": "mouthwash", "elixir bucal": "mouthwash", "agua bucal": "mouthwash",
    "plyn do plukania jamy ustnej": "mouthwash", "plyn do plukania ust": "mouthwash",
    # babies and nappies
    "pour le change": "nappy", "creme de change": "nappy cream", "creme change": "nappy cream",
    "prima infanzia": "baby", "des la naissance": "baby", "ab geburt": "baby",
    "desde el nacimiento": "baby", "dalla nascita": "baby", "od urodzenia": "baby",
    "recien nacido": "baby", "recem nascido": "baby", "cambio pannolino": "nappy",
    "pasta al agua": "paste", "per il cambio": "nappy", "premieres dents": "baby",
    "interieur de l oeil": "waterline", "interieur de l'oeil": "waterline", "creme dental": "toothpaste",
    # hair colour
    "ton sur ton": "semi permanent colour", "coloration d oxydation": "oxidative colour",
    # make-up, eyes, lips
    "fond de teint": "foundation", "base de maquillaje": "foundation", "base de maquiagem": "foundation",
    "rouge a levres": "lipstick", "baume a levres": "lip balm", "barra de labios": "lipstick",
    "balsamo labial": "lip balm", "sombra de ojos": "eyeshadow", "fard a paupieres": "eyeshadow",
    "sombra para olhos": "eyeshadow", "cien do powiek": "eyeshadow", "contour des yeux": "eye contour",
    "contorno de ojos": "eye contour", "contorno occhi": "eye contour", "contorno dos olhos": "eye contour",
    "matita occhi": "eye pencil", "crayon yeux": "eye pencil", "tusz do rzes": "mascara",
    "krem pod oczy": "eye cream", "lapiz de ojos": "eye pencil",
    # fragrances
    "woda perfumowana": "eau de parfum", "woda toaletowa": "eau de toilette",
    "woda kolonska": "cologne", "agua de colonia": "cologne", "acqua di colonia": "cologne",
    "agua de perfume": "eau de parfum", "kolnisch wasser": "cologne",
    "eau fraiche": "eau de toilette", "creme de parfum": "perfume cream", "crema profumata": "perfume cream",
    "crema perfumada": "perfume cream", "creme parfumee": "perfume cream",
    # nails and others
    "lakier do paznokci": "nail polish", "lakier do wlosow": "hairspray", "vernis a ongles": "nail polish",
    "smalto per unghie": "nail polish", "esmalte de unas": "nail polish",
}

# one word -> English words
WORDS: dict[str, str] = {
    # French
    "bebe": "baby", "bebes": "baby", "nourrisson": "infant", "nourrissons": "infant",
    "enfant": "kids", "enfants": "kids", "lait": "milk", "creme": "cream", "baume": "balm",
    "huile": "oil", "poudre": "powder", "brume": "mist", "shampooing": "shampoo",
    "lingette": "wipe", "lingettes": "wipes", "douche": "shower", "demaquillant": "makeup-remover",
    "corps": "body", "corporel": "body", "corporelle": "body", "visage": "face", "levres": "lip",
    "yeux": "eye", "oeil": "eye", "paupieres": "eye", "cils": "lash", "sourcils": "brow",
    "mains": "hand", "pieds": "foot", "dentifrice": "toothpaste", "solaire": "sunscreen",
    "solaires": "sunscreen", "bronzant": "tanning", "bronzante": "tanning", "bronzage": "tanning",
    "autobronzant": "self tanner", "autobronzante": "self tanner", "vaporisateur": "spray",
    "atomiseur": "atomiser", "laque": "hairspray", "sec": "dry", "seche": "dry",
    "anti-transpirant": "antiperspirant", "transpirant": "antiperspirant", "depilatoire": "depilatory",
    "defrisant": "relaxer", "lissage": "straightener", "teinture": "dye", "coloration": "colour",
    "permanente": "permanent", "oxydation": "oxidative", "vegetale": "plant", "henne": "henna",
    "intime": "intimate", "masque": "mask", "gommage": "scrub", "professionnel": "professional",
    "professionnelle": "professional", "coiffeur": "professional", "blanchiment": "whitening",
    "ans": "years", "beurre": "butter", "hydratant": "moisturiser", "hydratante": "moisturiser",
    "salon": "professional", "gargarisme": "mouthwash",
    # German (and the words of its compounds)
    "korper": "body", "koerper": "body", "gesicht": "face", "gesichts": "face", "lippen": "lip",
    "lippenstift": "lipstick", "lippenbalsam": "lip balm", "lippenpflege": "lip balm",
    "augen": "eye", "lidschatten": "eyeshadow", "wimperntusche": "mascara", "kajalstift": "kajal pencil",
    "wimpern": "lash", "augenbrauen": "brow", "haar": "hair", "haare": "hair", "farbe": "colour",
    "haarfarbe": "hair colour", "tonung": "semi permanent colour", "intensivtonung": "semi permanent colour",
    "oxidationshaarfarbe": "oxidative hair colour", "pflanzenhaarfarbe": "plant hair colour",
    "dauerhaft": "permanent", "dauerhafte": "permanent", "haarlack": "hairspray",
    "trockenshampoo": "dry shampoo", "sonnenschutz": "sunscreen", "lsf": "spf",
    "braunungsol": "tanning oil", "braunungsbeschleuniger": "tan accelerator",
    "selbstbrauner": "self tanner", "selbstbraunungs": "self tanning", "mundspulung": "mouthwash",
    "mundwasser": "mouthwash", "zahnpasta": "toothpaste", "zahncreme": "toothpaste", "zahngel": "toothpaste",
    "deo": "deodorant", "antitranspirant": "antiperspirant", "roller": "roll on",
    "saugling": "infant", "sauglings": "infant", "kinder": "kids", "windel": "nappy",
    "wundschutzcreme": "nappy cream", "wundschutz": "nappy", "jahren": "years", "jahre": "years",
    "professionell": "professional", "professionellen": "professional", "friseur": "professional",
    "intim": "intimate", "intimpflege": "intimate care", "maske": "mask", "milch": "milk",
    "ol": "oil", "oel": "oil", "spulung": "rinse", "balsam": "balm",
    "seife": "soap", "schaum": "foam", "nebel": "mist", "spruhnebel": "mist", "zerstauber": "atomiser",
    "spruhdose": "aerosol", "haarglattung": "straightener", "zahnaufhellung": "tooth whitening",
    "duftcreme": "perfume cream", "parfumcreme": "perfume cream", "enthaarungscreme": "depilatory cream",
    "enthaarungsschaum": "depilatory foam", "enthaarungs": "depilatory", "stift": "stick",
    "puder": "powder", "ohne": "without", "nagellack": "nail polish", "pflege": "care",
    "babys": "baby", "kleinkind": "toddler", "kleinkinder": "toddler", "feuchtigkeitscreme": "moisturiser cream",
    "augeninnenrand": "eye waterline",
    # Spanish
    "corporal": "body", "crema": "cream", "locion": "lotion", "leche": "milk", "aceite": "oil",
    "manteca": "butter", "balsamo": "balm", "bruma": "mist", "vaporizador": "spray",
    "pulverizador": "spray", "laca": "hairspray", "seco": "dry", "champu": "shampoo",
    "desodorante": "deodorant", "antitranspirante": "antiperspirant", "dentifrico": "toothpaste",
    "colutorio": "mouthwash", "infantil": "kids", "nino": "kids", "ninos": "kids", "panal": "nappy",
    "tinte": "dye", "coloracion": "colour", "semipermanente": "semi permanent", "vegetal": "plant",
    "autobronceador": "self tanner", "autobronceadora": "self tanner", "solar": "sunscreen",
    "bronceador": "tanning", "depilatoria": "depilatory", "depilatorio": "depilatory",
    "alisado": "straightener", "alisante": "straightener", "alisadora": "straightener", "labios": "lip", "labial": "lipstick",
    "ojos": "eye", "pestanas": "lash", "cejas": "brow", "intima": "intimate", "intimo": "intimate",
    "desde": "from",
    "mascarilla": "mask", "profesional": "professional", "blanqueamiento": "whitening",
    "sin": "without", "anos": "years", "fps": "spf", "facial": "face", "hidratante": "moisturiser",
    "acelerador": "accelerator", "bronceado": "tan",
    # Italian
    "corpo": "body", "lozione": "lotion", "latte": "milk", "olio": "oil", "burro": "butter",
    "nebbia": "mist", "nebulizzatore": "spray", "vaporizzatore": "spray", "lacca": "hairspray",
    "secco": "dry", "dentifricio": "toothpaste", "collutorio": "mouthwash", "bambini": "kids",
    "bambino": "kids", "bimbi": "kids", "neonato": "baby", "neonati": "baby", "pannolino": "nappy",
    "tinta": "dye", "colorazione": "colour", "autoabbronzante": "self tanner", "solare": "sunscreen",
    "abbronzante": "tanning", "liscio": "straightener", "lisciante": "straightener",
    "stiratura": "straightener", "labbra": "lip", "rossetto": "lipstick", "burrocacao": "lip balm",
    "lucidalabbra": "lip gloss", "occhi": "eye", "ombretto": "eyeshadow", "ciglia": "lash",
    "sopracciglia": "brow", "maschera": "mask", "fondotinta": "foundation",
    "professionale": "professional", "sbiancamento": "whitening", "senza": "without",
    "profumo": "perfume", "anni": "years", "viso": "face", "deodorante": "deodorant",
    "emulsione": "emulsion", "acceleratore": "accelerator", "abbronzatura": "tan",
    # Dutch
    "lichaam": "body", "lichaams": "body", "melk": "milk", "olie": "oil", "tandpasta": "toothpaste",
    "mondwater": "mouthwash", "mondspoeling": "mouthwash", "kinderen": "kids", "luier": "nappy",
    "luiers": "nappy", "haarverf": "hair dye", "haarkleuring": "hair colour", "haarlak": "hairspray",
    "zonnebrand": "sunscreen", "zelfbruiner": "self tanner", "zonder": "without", "oog": "eye",
    "ogen": "eye", "masker": "mask", "bruiningsolie": "tanning oil", "professioneel": "professional",
    "professionele": "professional", "jaar": "years", "gezicht": "face", "gezichts": "face",
    "ontharings": "depilatory", "ontkruller": "straightener",
    # Polish
    "cialo": "body", "ciala": "body", "mleczko": "milk", "krem": "cream", "maslo": "butter",
    "mgielka": "mist", "lakier": "hairspray", "suchy": "dry", "dzieci": "kids", "dla": "for",
    "dzieciecy": "kids", "niemowlat": "baby", "niemowlak": "baby", "niemowle": "baby",
    "pieluszke": "nappy", "pieluszka": "nappy", "farba": "dye", "koloryzacja": "colour",
    "samoopalacz": "self tanner", "przeciwsloneczny": "sunscreen", "opalania": "tanning",
    "depilacji": "depilatory", "ust": "lip", "pomadka": "lipstick", "oczy": "eye", "oczu": "eye",
    "powiek": "eye", "rzes": "lash", "brwi": "brow", "intymnej": "intimate", "maseczka": "mask",
    "podklad": "foundation", "profesjonalnego": "professional", "profesjonalny": "professional",
    "wybielanie": "whitening", "bez": "without", "perfumy": "perfume", "lat": "years",
    "twarzy": "face", "dezodorant": "deodorant", "antyperspirant": "antiperspirant",
    "prostownik": "straightener", "prostowanie": "straightener", "olejek": "oil", "szampon": "shampoo",
    "filtrem": "sunscreen",
    # Portuguese
    "locao": "lotion", "leite": "milk", "oleo": "oil", "manteiga": "butter", "protetor": "sunscreen",
    "bronzeador": "tanning", "autobronzeador": "self tanner", "crianca": "kids", "criancas": "kids",
    "fralda": "nappy", "assaduras": "nappy", "batom": "lipstick", "olhos": "eye", "sem": "without",
    "profissional": "professional", "clareamento": "whitening", "colonia": "cologne",
    "sabonete": "soap", "coloracao": "colour", "desodorizante": "deodorant",
    "wimperverf": "lash dye",
}

# German and Dutch first parts of a compound ("Körper|lotion", "Kinder|zahnpasta")
FIRST: dict[str, str] = {
    "korper": "body", "koerper": "body", "baby": "baby", "babys": "baby", "kinder": "kids",
    "windel": "nappy", "sauglings": "infant", "sonnen": "sunscreen", "haar": "hair", "deo": "deodorant",
    "lippen": "lip", "augen": "eye", "wimpern": "lash", "augenbrauen": "brow", "gesichts": "face",
    "hand": "hand", "fuss": "foot", "zahn": "tooth", "mund": "mouth", "intim": "intimate",
    "enthaarungs": "depilatory", "dusch": "shower", "lichaams": "body", "luier": "nappy",
    "tand": "tooth", "body": "body", "gezichts": "face", "oog": "eye",
    "ontharings": "depilatory", "zonne": "sunscreen", "zonnebrand": "sunscreen", "bad": "bath",
    "selbstbraunungs": "self tanning", "braunungs": "tanning", "pflanzen": "plant",
    "oxidations": "oxidative", "intensiv": "", "pflege": "care", "wasch": "wash", "spruh": "spray",
}
# the English form words a compound may end in ("Body|lotion", "Hand|wash"), beyond the
# words of WORDS and _REST
_ENGLISH = frozenset({
    "lotion", "cream", "milk", "oil", "spray", "stick", "gel", "balm", "butter", "mask", "mist",
    "shampoo", "foam", "wash", "soap", "powder", "paste", "tonic", "serum", "fluid", "emulsion",
    "scrub", "peeling", "mousse", "water",
})
# German rests that read otherwise at the end of a compound than alone
_REST = {"pasta": "paste", "wasser": "water", "tusche": "mascara", "farbe": "colour",
         "lack": "hairspray", "schatten": "eyeshadow", "kur": "treatment"}

_PHRASE = re.compile("|".join(sorted((re.escape(p) for p in PHRASES), key=len, reverse=True)))


def _compound(w: str, depth: int = 0) -> list[str] | None:
    """A German or Dutch compound read as English words, or None."""
    if depth > 2 or len(w) < 6:
        return None
    if w.endswith("frei") and len(w) > 6:  # "parfumfrei", "duftstofffrei": the rest, denied
        rest = w[:-4]
        words = WORDS.get(rest, rest).split()
        return [f"{x}-free" for x in words] if words else None
    for n in range(min(len(w) - 2, 16), 2, -1):
        head, rest = w[:n], w[n:]
        first = FIRST.get(head)
        if first is None:
            continue
        if rest in WORDS:
            tail = WORDS[rest].split()
        elif rest in _REST:
            tail = _REST[rest].split()
        elif rest in _ENGLISH:
            tail = [rest]
        else:
            tail = _compound(rest, depth + 1)
            if tail is None:
                continue
        return [*first.split(), *tail]  # (a first part read as nothing, "intensiv", adds none)
    return None


_LETTERS = str.maketrans({"ł": "l", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i"})


def english(plain: str) -> list[str]:
    """The words of a form (plain letters, lower case) read as English words."""
    text = _PHRASE.sub(lambda m: PHRASES[m.group(0)], plain.translate(_LETTERS))
    tokens = re.findall(r"[a-z0-9]+", text)
    out: list[str] = []
    for i, w in enumerate(tokens):
        if w == "toilette" and not (i >= 2 and tokens[i - 2] == "eau" and tokens[i - 1] == "de"):
            out.append("cleansing")  # "lait de toilette", "gel toilette intime": a cleanser
        elif w in WORDS:
            out.extend(WORDS[w].split())
        else:
            out.extend(_compound(w) or [w])
    return out

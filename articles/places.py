"""Find the countries a story mentions.

Pure text work, no database. Country names come from pycountry (ISO 3166-1), shortened
where ISO's form is not what a newsroom writes ("Russia", not "Russian Federation"), plus
a hand-written table of adjectives and demonyms, capitals, a few French and Arabic names,
and the big cities that open datelines.

Matching is on whole words and case-sensitive on the capitalised (or ALL-CAPS) form, so
"turkey", "china" and "chad" in lowercase never count. At any position the longest name
wins, which keeps "Guinea" out of "Guinea-Bissau", "Equatorial Guinea" and "Papua New
Guinea", "Sudan" out of "South Sudan" and "Congo" out of "Democratic Republic of the
Congo". A few phrases are matched only to be ignored ("New Jersey", "Latin America",
"Niger Delta"...). "Chad", "Jordan", "Georgia" and "Washington" are also first names or
American places: they do not count when the next word is capitalised ("Chad Smith",
"Jordan Peterson", "Washington Post") unless that word is a title such as "President".
"Congolese" and "Korean" name two countries each and are left out.
"""

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

import pycountry

# ISO names a newsroom would not print, by alpha-2 code.
CANONICAL_NAMES = {
    "BN": "Brunei",
    "BQ": "Caribbean Netherlands",
    "CC": "Cocos Islands",
    "CD": "Democratic Republic of the Congo",
    "CG": "Congo",
    "CI": "Ivory Coast",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "MF": "Saint Martin",
    "PS": "Palestine",
    "RU": "Russia",
    "SH": "Saint Helena",
    "SX": "Sint Maarten",
    "TR": "Turkey",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
}

# Other ways to write a country's name, including French and Arabic names.
EXTRA_NAMES = {
    "AE": ["UAE", "U.A.E."],
    "AZ": ["Azerbaïdjan", "أذربيجان"],
    "CD": ["DR Congo", "DRC", "Democratic Republic of Congo", "Congo-Kinshasa"],
    "CG": ["Republic of Congo", "Congo-Brazzaville"],
    "CI": ["Côte d'Ivoire", "Côte d\u2019Ivoire", "Cote d'Ivoire"],
    "CN": ["Chine"],
    "CV": ["Cape Verde"],
    "CZ": ["Czech Republic"],
    "DE": ["Allemagne"],
    "DZ": ["Algérie", "الجزائر"],
    "EG": ["Égypte", "Egypte", "مصر"],
    "EH": ["Sahara occidental"],
    "ES": ["Espagne"],
    "FR": ["فرنسا"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "Northern Ireland", "Royaume-Uni"],
    "IT": ["Italie"],
    "KP": ["DPRK"],
    "KR": ["Republic of Korea"],
    "LY": ["Libye", "ليبيا"],
    "MA": ["Maroc", "المغرب"],
    "MM": ["Burma"],
    "MR": ["Mauritanie", "موريتانيا"],
    "NL": ["Holland"],
    "RU": ["Russie"],
    "SA": ["Arabie saoudite", "السعودية"],
    "SN": ["Sénégal"],
    "SZ": ["Swaziland"],
    "TD": ["Tchad"],
    "TL": ["East Timor"],
    "TN": ["Tunisie", "تونس"],
    "TR": ["Türkiye", "Turkiye", "Turquie"],
    "US": ["U.S.", "US", "USA", "U.S.A.", "America", "États-Unis", "Etats-Unis"],
    "VA": ["Vatican", "Holy See"],
}

# Adjectives and demonyms. Plurals ending in "s" are added automatically.
DEMONYMS = {
    "AF": ["Afghan"],
    "AL": ["Albanian"],
    "AM": ["Armenian"],
    "AO": ["Angolan"],
    "AR": ["Argentine", "Argentinian"],
    "AT": ["Austrian"],
    "AU": ["Australian"],
    "AZ": ["Azerbaijani", "Azeri"],
    "BA": ["Bosnian"],
    "BD": ["Bangladeshi"],
    "BE": ["Belgian"],
    "BF": ["Burkinabe"],
    "BG": ["Bulgarian"],
    "BH": ["Bahraini"],
    "BI": ["Burundian"],
    "BJ": ["Beninese"],
    "BO": ["Bolivian"],
    "BR": ["Brazilian"],
    "BY": ["Belarusian"],
    "CA": ["Canadian"],
    "CH": ["Swiss"],
    "CI": ["Ivorian"],
    "CL": ["Chilean"],
    "CM": ["Cameroonian"],
    "CN": ["Chinese"],
    "CO": ["Colombian"],
    "CU": ["Cuban"],
    "CY": ["Cypriot"],
    "CZ": ["Czech"],
    "DE": ["German"],
    "DJ": ["Djiboutian"],
    "DK": ["Danish", "Dane"],
    "DZ": ["Algerian"],
    "EC": ["Ecuadorian"],
    "EE": ["Estonian"],
    "EG": ["Egyptian"],
    "EH": ["Sahrawi"],
    "ER": ["Eritrean"],
    "ES": ["Spanish", "Spaniard"],
    "ET": ["Ethiopian"],
    "FI": ["Finnish"],
    "FR": ["French"],
    "GA": ["Gabonese"],
    "GB": ["British"],
    "GE": ["Georgian"],
    "GH": ["Ghanaian"],
    "GM": ["Gambian"],
    "GN": ["Guinean"],
    "GQ": ["Equatorial Guinean", "Equatoguinean"],
    "GR": ["Greek"],
    "GW": ["Bissau-Guinean"],
    "HR": ["Croatian"],
    "HT": ["Haitian"],
    "HU": ["Hungarian"],
    "ID": ["Indonesian"],
    "IE": ["Irish"],
    "IL": ["Israeli"],
    "IN": ["Indian"],
    "IQ": ["Iraqi"],
    "IR": ["Iranian"],
    "IS": ["Icelandic"],
    "IT": ["Italian"],
    "JO": ["Jordanian"],
    "JP": ["Japanese"],
    "KE": ["Kenyan"],
    "KG": ["Kyrgyz"],
    "KH": ["Cambodian"],
    "KP": ["North Korean"],
    "KR": ["South Korean"],
    "KW": ["Kuwaiti"],
    "KZ": ["Kazakh", "Kazakhstani"],
    "LA": ["Lao", "Laotian"],
    "LB": ["Lebanese"],
    "LK": ["Sri Lankan"],
    "LR": ["Liberian"],
    "LT": ["Lithuanian"],
    "LV": ["Latvian"],
    "LY": ["Libyan"],
    "MA": ["Moroccan"],
    "MD": ["Moldovan"],
    "ME": ["Montenegrin"],
    "MG": ["Malagasy"],
    "ML": ["Malian"],
    "MM": ["Burmese"],
    "MN": ["Mongolian"],
    "MR": ["Mauritanian"],
    "MT": ["Maltese"],
    "MX": ["Mexican"],
    "MY": ["Malaysian"],
    "MZ": ["Mozambican"],
    "NA": ["Namibian"],
    "NE": ["Nigerien"],
    "NG": ["Nigerian"],
    "NL": ["Dutch"],
    "NO": ["Norwegian"],
    "NP": ["Nepali", "Nepalese"],
    "NZ": ["New Zealander"],
    "OM": ["Omani"],
    "PE": ["Peruvian"],
    "PG": ["Papua New Guinean"],
    "PH": ["Filipino", "Philippine"],
    "PK": ["Pakistani"],
    "PL": ["Polish", "Pole"],
    "PS": ["Palestinian"],
    "PT": ["Portuguese"],
    "PY": ["Paraguayan"],
    "QA": ["Qatari"],
    "RO": ["Romanian"],
    "RS": ["Serbian", "Serb"],
    "RU": ["Russian"],
    "RW": ["Rwandan"],
    "SA": ["Saudi"],
    "SD": ["Sudanese"],
    "SE": ["Swedish", "Swede"],
    "SI": ["Slovenian"],
    "SK": ["Slovak"],
    "SL": ["Sierra Leonean"],
    "SN": ["Senegalese"],
    "SO": ["Somali"],
    "SS": ["South Sudanese"],
    "SY": ["Syrian"],
    "TD": ["Chadian"],
    "TG": ["Togolese"],
    "TH": ["Thai"],
    "TJ": ["Tajik"],
    "TM": ["Turkmen"],
    "TN": ["Tunisian"],
    "TR": ["Turkish", "Turk"],
    "TW": ["Taiwanese"],
    "TZ": ["Tanzanian"],
    "UA": ["Ukrainian"],
    "UG": ["Ugandan"],
    "US": ["American"],
    "UY": ["Uruguayan"],
    "UZ": ["Uzbek"],
    "VE": ["Venezuelan"],
    "VN": ["Vietnamese"],
    "YE": ["Yemeni"],
    "ZA": ["South African"],
    "ZM": ["Zambian"],
    "ZW": ["Zimbabwean"],
}

# Capitals (and a capital's French name), counted in text and in datelines. Capitals that
# are also common first names or words ("Victoria", "Sofia", "Male") are left out.
CAPITALS = {
    "Abu Dhabi": "AE",
    "Abuja": "NG",
    "Accra": "GH",
    "Addis Ababa": "ET",
    "Algiers": "DZ",
    "Alger": "DZ",
    "Amman": "JO",
    "Ankara": "TR",
    "Antananarivo": "MG",
    "Asmara": "ER",
    "Astana": "KZ",
    "Athens": "GR",
    "Baghdad": "IQ",
    "Baku": "AZ",
    "Bamako": "ML",
    "Bangkok": "TH",
    "Bangui": "CF",
    "Beijing": "CN",
    "Beirut": "LB",
    "Belgrade": "RS",
    "Berlin": "DE",
    "Bern": "CH",
    "Bishkek": "KG",
    "Bogotá": "CO",
    "Bogota": "CO",
    "Brasília": "BR",
    "Brasilia": "BR",
    "Brazzaville": "CG",
    "Brussels": "BE",
    "Bucharest": "RO",
    "Budapest": "HU",
    "Buenos Aires": "AR",
    "Cairo": "EG",
    "Canberra": "AU",
    "Caracas": "VE",
    "Chisinau": "MD",
    "Colombo": "LK",
    "Conakry": "GN",
    "Copenhagen": "DK",
    "Dakar": "SN",
    "Damascus": "SY",
    "Dhaka": "BD",
    "Doha": "QA",
    "Dublin": "IE",
    "Dushanbe": "TJ",
    "Freetown": "SL",
    "Gaborone": "BW",
    "Hanoi": "VN",
    "Harare": "ZW",
    "Havana": "CU",
    "Helsinki": "FI",
    "Islamabad": "PK",
    "Jakarta": "ID",
    "Juba": "SS",
    "Kabul": "AF",
    "Kampala": "UG",
    "Kathmandu": "NP",
    "Khartoum": "SD",
    "Kigali": "RW",
    "Kinshasa": "CD",
    "Kuala Lumpur": "MY",
    "Kyiv": "UA",
    "Kiev": "UA",
    "La Paz": "BO",
    "Le Caire": "EG",
    "Libreville": "GA",
    "Lima": "PE",
    "Lisbon": "PT",
    "Lomé": "TG",
    "London": "GB",
    "Luanda": "AO",
    "Lusaka": "ZM",
    "Madrid": "ES",
    "Manama": "BH",
    "Manila": "PH",
    "Maputo": "MZ",
    "Mexico City": "MX",
    "Minsk": "BY",
    "Mogadishu": "SO",
    "Monrovia": "LR",
    "Montevideo": "UY",
    "Moscow": "RU",
    "Muscat": "OM",
    "N'Djamena": "TD",
    "Nairobi": "KE",
    "New Delhi": "IN",
    "Niamey": "NE",
    "Nouakchott": "MR",
    "Oslo": "NO",
    "Ottawa": "CA",
    "Ouagadougou": "BF",
    "Paris": "FR",
    "Phnom Penh": "KH",
    "Port-au-Prince": "HT",
    "Prague": "CZ",
    "Pretoria": "ZA",
    "Pyongyang": "KP",
    "Quito": "EC",
    "Rabat": "MA",
    "Riyadh": "SA",
    "Rome": "IT",
    "Sanaa": "YE",
    "Seoul": "KR",
    "Stockholm": "SE",
    "Taipei": "TW",
    "Tashkent": "UZ",
    "Tbilisi": "GE",
    "Tehran": "IR",
    "Tokyo": "JP",
    "Tripoli": "LY",
    "Tunis": "TN",
    "Vienna": "AT",
    "Vientiane": "LA",
    "Warsaw": "PL",
    "Washington": "US",
    "Windhoek": "NA",
    "Yaoundé": "CM",
    "Yaounde": "CM",
    "Yerevan": "AM",
    "Zagreb": "HR",
}

# Big cities that open datelines. Only datelines use them: in running text "Constantine"
# or "Alexandria" is as likely to be a person.
DATELINE_CITIES = {
    "Alexandria": "EG",
    "Annaba": "DZ",
    "Barcelona": "ES",
    "Benghazi": "LY",
    "Cape Town": "ZA",
    "Casablanca": "MA",
    "Constantine": "DZ",
    "Dubai": "AE",
    "Geneva": "CH",
    "Istanbul": "TR",
    "Jeddah": "SA",
    "Johannesburg": "ZA",
    "Karachi": "PK",
    "Lagos": "NG",
    "Marrakech": "MA",
    "Marseille": "FR",
    "Milan": "IT",
    "Mumbai": "IN",
    "New York": "US",
    "Oran": "DZ",
    "Sfax": "TN",
    "Shanghai": "CN",
    "Sydney": "AU",
    "Tangier": "MA",
    "Toronto": "CA",
}

# Matched only so that a shorter name inside them does not count.
IGNORED_PHRASES = [
    "African American",
    "American Indian",
    "Central America",
    "Central American",
    "Gulf of Guinea",
    "Indian Ocean",
    "Latin America",
    "Latin American",
    "Native American",
    "New Guinea",
    "New Jersey",
    "New Mexico",
    "Niger Delta",
    "North America",
    "North American",
    "South America",
    "South American",
    "West Indian",
]

# Names that are also first names or American places; see the module docstring.
AMBIGUOUS_NAMES = {"Chad", "Jordan", "Georgia", "Washington"}
TITLE_WORDS = {
    "army",
    "embassy",
    "foreign",
    "government",
    "king",
    "minister",
    "ministry",
    "national",
    "parliament",
    "president",
    "prime",
    "queen",
}

_ARABIC = re.compile(r"[\u0600-\u06ff]")
_NEXT_WORD = re.compile(r"[ \t\u00a0]+(\w+)")


def find_places(text: str, *, dateline: str = "") -> list[str]:
    """Countries mentioned in `text`, main country first.

    The main country is the dateline's if the dateline names a known place, otherwise the
    most mentioned (ties go to the first mentioned). The others follow in the same order.
    """
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for code in _mentions(text):
        counts[code] += 1
        first_seen.setdefault(code, len(first_seen))
    ranked = sorted(counts, key=lambda code: (-counts[code], first_seen[code]))
    main = _dateline_country(dateline)
    if main:
        ranked = [main, *(code for code in ranked if code != main)]
    return [_names()[code] for code in ranked]


def _mentions(text: str) -> list[str]:
    """Alpha-2 codes in order of mention, one per matching word or phrase."""
    codes = []
    aliases = _aliases()
    for match in _pattern().finditer(text):
        code = aliases[match.group()]
        if code and not _is_first_name(match, text):
            codes.append(code)
    return codes


def _is_first_name(match: re.Match[str], text: str) -> bool:
    """Is an ambiguous name ("Chad") followed by a capitalised word that is not a title?"""
    if match.group().title() not in AMBIGUOUS_NAMES:
        return False
    following = _NEXT_WORD.match(text, match.end())
    if not following:
        return False
    word = following.group(1)
    return word[0].isupper() and word.casefold() not in TITLE_WORDS


def _dateline_country(dateline: str) -> str:
    """The code of the first comma-separated part of the dateline that is a known place."""
    places = _dateline_places()
    head = dateline.split("(", 1)[0]
    for part in re.split(r"[,\u060c]", head):
        code = places.get(" ".join(part.split()).casefold())
        if code:
            return code
    return ""


@cache
def _names() -> dict[str, str]:
    return {
        country.alpha_2: CANONICAL_NAMES.get(country.alpha_2)
        or getattr(country, "common_name", None)
        or country.name
        for country in pycountry.countries
    }


def _base_aliases() -> dict[str, str]:
    """Every way of writing a country, as written, mapped to its code."""
    aliases: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        iso_names = [
            getattr(country, attribute, "")
            for attribute in ("name", "common_name", "official_name")
        ]
        for name in [_names()[code], *iso_names, *EXTRA_NAMES.get(code, [])]:
            name = name.removeprefix("the ")
            if name and not re.search(r"[,()]", name):
                aliases.setdefault(name, code)
    for code, demonyms in DEMONYMS.items():
        for demonym in demonyms:
            aliases[demonym] = code
            if not demonym.endswith(("s", "sh", "ch", "ese", "z")):
                aliases[demonym + "s"] = code
    aliases.update(CAPITALS)
    return aliases


@cache
def _aliases() -> dict[str, str]:
    """Aliases with their ALL-CAPS and Arabic-prefixed forms; ignored phrases map to ""."""
    aliases = {}
    for name, code in [*_base_aliases().items(), *((p, "") for p in IGNORED_PHRASES)]:
        for variant in _variants(name):
            aliases.setdefault(variant, code)
    return aliases


def _variants(name: str) -> list[str]:
    if not _ARABIC.match(name):
        return [name, name.upper()]
    # Arabic attaches "and", "in", "so" (و ب ف) to the word; "to" (ل) absorbs the article.
    variants = [name, *(prefix + name for prefix in "وبف")]
    if name.startswith("ال"):
        variants += ["ل" + name[1:], "ول" + name[1:]]
    return variants


@cache
def _pattern() -> re.Pattern[str]:
    """Any alias as a whole word; at any position the longest one that fits wins.

    The aliases are written as a tree of their shared beginnings, so that the engine
    follows the text one character at a time rather than trying a thousand names in
    turn at each capital letter. Longer names are tried before a name ends, so the
    first alias followed by a non-word character is the longest.
    """
    names = _aliases()
    # A cheap first-character test keeps the scan fast on long texts; made before the
    # look back at the previous character, it spares most positions that look (twice as
    # fast on a story in English).
    initials = re.escape("".join(sorted({name[0] for name in names})))
    return re.compile(rf"(?=[{initials}])(?<!\w)(?:{_tree_pattern(names)})(?!\w)")


def _tree_pattern(names: Iterable[str]) -> str:
    """A regular expression matching exactly ``names``, by their shared beginnings."""
    tree: dict = {}
    for name in names:
        node = tree
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}  # a name ends here
    return _node_pattern(tree)


def _node_pattern(node: dict) -> str:
    branches = [re.escape(char) + _node_pattern(child) for char, child in node.items() if char]
    if "" in node:
        branches.append("")  # ending here comes last: longer names first
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


@cache
def _dateline_places() -> dict[str, str]:
    places = {name.casefold(): code for name, code in _base_aliases().items()}
    places.update((name.casefold(), code) for name, code in DATELINE_CITIES.items())
    return places

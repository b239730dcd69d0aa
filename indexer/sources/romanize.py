"""ASCII forms of names and titles for citation keys.

Chinese names are read in pinyin with the readings surnames take (單 shan,
曾 zeng, 解 xie, 區 ou — not the common readings pypinyin gives); Latin,
Cyrillic and other scripts are transliterated to ASCII (Ørsted → Orsted).

>>> name_key("林大同"), name_key("單雄信"), name_key("尉遲恭"), name_key("Ørsted")
('lindatong', 'shanxiongxin', 'yuchigong', 'orsted')
"""

from __future__ import annotations

import re

from anyascii import anyascii

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NON_ALNUM = re.compile("[^a-z0-9]")

# Surnames whose reading differs from the character's common one (both scripts).
SURNAMES = {
    "單": "shan", "单": "shan", "曾": "zeng", "解": "xie", "樂": "yue", "乐": "yue", "區": "ou", "区": "ou",
    "仇": "qiu", "查": "zha", "朴": "piao", "繆": "miao", "缪": "miao", "召": "shao", "覃": "qin",
    "蓋": "ge", "盖": "ge", "翟": "zhai", "沈": "shen", "種": "chong", "种": "chong", "秘": "bi",
    "隗": "wei", "冼": "xian", "柏": "bai", "賁": "ben", "贲": "ben", "折": "she", "員": "yun", "员": "yun",
    "句": "gou", "祭": "zhai", "紀": "ji", "纪": "ji", "尉": "yu", "卜": "bu", "藏": "zang", "華": "hua",
    "华": "hua", "任": "ren", "燕": "yan", "宿": "su", "薄": "bo", "莘": "shen", "長": "chang",
    "长": "chang", "曲": "qu", "便": "pian", "石": "shi", "幺": "yao", "黑": "he", "重": "chong",
}
COMPOUND_SURNAMES = {
    "尉遲": "yuchi", "尉迟": "yuchi", "万俟": "moqi", "萬俟": "moqi", "長孫": "zhangsun", "长孙": "zhangsun",
    "單于": "chanyu", "单于": "chanyu", "澹臺": "tantai", "澹台": "tantai", "歐陽": "ouyang", "欧阳": "ouyang",
    "司馬": "sima", "司马": "sima", "諸葛": "zhuge", "诸葛": "zhuge", "令狐": "linghu", "皇甫": "huangfu",
}


def pinyin(text: str) -> str:
    """Return the toneless pinyin of the Chinese characters in ``text``, joined (other characters kept)."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text))


def chinese_name(name: str) -> str:
    """Return the pinyin of a Chinese personal name, its surname read as a surname."""
    name = name.strip()
    for size, table in ((2, COMPOUND_SURNAMES), (1, SURNAMES)):
        if name[:size] in table:
            return table[name[:size]] + pinyin(name[size:])
    return pinyin(name)


def ascii_key(text: str) -> str:
    """Return ``text`` transliterated to lower-case ASCII letters and digits."""
    return _NON_ALNUM.sub("", anyascii(text).lower())


def name_key(name: str) -> str:
    """Return the key form of a personal name: pinyin for Chinese names, transliteration for others."""
    return ascii_key(chinese_name(name) if _CJK.search(name) else name)

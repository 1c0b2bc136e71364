"""The starting licence issuers and grades, for code that must not assume the data migration ran.

Migration 0003 inserts the same rows (it keeps its own frozen copy, as migrations should). A
database flushed after the migrations (a transactional test, `flush`) loses them; the demo seed
and the tests call `ensure_starting_issuers()` to put them back without touching admin edits.
"""

from __future__ import annotations

from racing.models import LicenceGrade, LicenceIssuer

# code, name_zh, name_en, position, grades (code, name_zh, name_en) from lowest to highest
STARTING_ISSUERS: list[tuple[str, str, str, int, list[tuple[str, str, str]]]] = [
    (
        "CAMF",
        "中国汽车摩托车运动联合会",
        "China Automobile and Motorcycle Sports Federation",
        10,
        [
            ("C", "国家C级", "National C"),
            ("B", "国家B级", "National B"),
            ("A", "国家A级", "National A"),
            ("INT", "国际级", "International"),
        ],
    ),
    (
        "FIA",
        "国际汽车联合会",
        "Fédération Internationale de l'Automobile",
        20,
        [
            ("D", "D级", "Grade D"),
            ("C", "C级", "Grade C"),
            ("B", "B级", "Grade B"),
            ("A", "A级", "Grade A"),
        ],
    ),
    (
        "HKAA",
        "香港汽车会",
        "Hong Kong Automobile Association",
        30,
        [("NAT", "本地级", "National"), ("INT", "国际级", "International")],
    ),
    (
        "AAM",
        "澳门汽车总会",
        "Automóvel Clube de Macau",
        40,
        [("NAT", "本地级", "National"), ("INT", "国际级", "International")],
    ),
    (
        "CTMSA",
        "中华赛车会",
        "Chinese Taipei Motor Sports Association",
        50,
        [("C", "C级", "Grade C"), ("B", "B级", "Grade B"), ("A", "A级", "Grade A")],
    ),
    ("OTHER", "其他", "Other", 90, [("CLUB", "俱乐部级", "Club")]),
]


def ensure_starting_issuers() -> None:
    """Create missing starting issuers and grades; existing rows are left as an admin set them."""
    for code, name_zh, name_en, position, grades in STARTING_ISSUERS:
        issuer, _ = LicenceIssuer.objects.get_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en, "position": position}
        )
        for rank, (grade_code, grade_zh, grade_en) in enumerate(grades, start=1):
            LicenceGrade.objects.get_or_create(
                issuer=issuer,
                code=grade_code,
                defaults={"name_zh": grade_zh, "name_en": grade_en, "rank": rank * 10},
            )

"""A fixed, multilingual set of passages for timing embedding precisions.

Eight short paragraphs in eight languages and scripts; :func:`calibration_passages` rotates and joins
their sentences into 32 passages of realistic chunk length (115-170 tokens each, 140 on average), the same on
every machine, so measurements are comparable across runs.
"""

from __future__ import annotations

_PARAGRAPHS: tuple[tuple[str, ...], ...] = (
    (
        "The quarterly report shows that revenue from the northern region grew by eleven percent.",
        "Most of the growth came from small businesses that renewed their service contracts early.",
        "Operating costs rose more slowly, mainly because the new warehouse reduced delivery times.",
        "The board asked the finance team to prepare a forecast for the next two fiscal years.",
        "Risks include higher energy prices, supplier delays and a shortage of trained technicians.",
        "A detailed breakdown by product line is attached in the appendix of this document.",
    ),
    (
        "Die Bahn kündigte an, dass die Strecke zwischen Köln und Frankfurt im Sommer gesperrt wird.",
        "Während der Bauarbeiten fahren Ersatzbusse, die allerdings deutlich mehr Zeit benötigen.",
        "Pendler sollten ihre Fahrten frühzeitig planen und die Hinweise in der App beachten.",
        "Die Modernisierung umfasst neue Weichen, Signaltechnik und den Austausch alter Brücken.",
        "Nach Abschluss der Arbeiten sollen die Züge pünktlicher und etwas schneller verkehren.",
        "Fahrgastverbände kritisieren, dass die Informationen zu spät veröffentlicht wurden.",
    ),
    (
        "La recette traditionnelle du pot-au-feu demande plusieurs heures de cuisson à feu doux.",
        "On commence par faire revenir la viande avant d'ajouter les légumes et le bouquet garni.",
        "Le bouillon doit rester limpide : il faut écumer régulièrement pendant la première heure.",
        "Certains cuisiniers ajoutent un os à moelle, servi sur une tranche de pain grillé.",
        "Les restes se conservent trois jours au réfrigérateur et se réchauffent très bien.",
        "Ce plat familial est souvent préparé le dimanche, quand toute la famille est réunie.",
    ),
    (
        "El equipo de investigación midió la temperatura del agua en veinte puntos de la costa.",
        "Los resultados indican un aumento medio de casi un grado en la última década.",
        "Este cambio afecta a la reproducción de varias especies de peces de interés comercial.",
        "Los pescadores locales confirman que algunas especies aparecen ahora más al norte.",
        "El informe recomienda ampliar las zonas protegidas y mejorar el seguimiento anual.",
        "Los datos completos estarán disponibles para otros investigadores a partir de marzo.",
    ),
    (
        "本研究调查了城市居民的睡眠时间与工作压力之间的关系。",
        "我们在三个城市共收集了两千份有效问卷，并进行了统计分析。",
        "结果显示，每周工作超过五十小时的人平均睡眠时间明显较短。",
        "此外，通勤时间较长的受访者更容易报告失眠和白天疲劳的症状。",
        "研究人员建议企业提供更灵活的工作安排，以减少员工的健康风险。",
        "后续研究将使用可穿戴设备，以更准确地记录睡眠质量。",
    ),
    (
        "新しい図書館は駅から歩いて五分の場所にあり、来月から利用できます。",
        "館内には約二十万冊の本があり、子ども向けの読書スペースも設けられています。",
        "利用者はオンラインで本を予約し、近くの分館で受け取ることができます。",
        "週末には地域の歴史や文化に関する講座が定期的に開かれる予定です。",
        "開館時間は平日が午前九時から午後八時まで、土日は午後六時までです。",
        "詳しい情報は市のホームページまたは図書館の窓口で確認してください。",
    ),
    (
        "Для установки программы скачайте архив и распакуйте его в любую папку на диске.",
        "Затем запустите файл настройки и укажите путь к каталогу с вашими документами.",
        "При первом запуске программа проиндексирует файлы, что может занять несколько минут.",
        "Поиск работает без подключения к интернету, и данные не покидают ваш компьютер.",
        "Если индексация прервалась, она продолжится с того же места после перезапуска.",
        "Ответы на частые вопросы можно найти в руководстве пользователя на сайте проекта.",
    ),
    (
        "أعلنت وزارة الصحة عن حملة تطعيم جديدة تستهدف الأطفال في المدارس الابتدائية.",
        "وتستمر الحملة لمدة شهرين وتشمل جميع المحافظات والمناطق الريفية البعيدة.",
        "ويمكن للأهالي تسجيل أطفالهم عبر الموقع الإلكتروني أو في أقرب مركز صحي.",
        "وأكد المسؤولون أن اللقاحات آمنة وتم اختبارها وفق المعايير الدولية المعتمدة.",
        "كما سيتم تدريب المعلمين على التعرف على الأعراض الشائعة والإبلاغ عنها مبكرا.",
        "وتهدف الحملة إلى رفع نسبة التغطية إلى أكثر من خمسة وتسعين في المئة.",
    ),
)

PASSAGE_COUNT = 32


def calibration_passages(count: int = PASSAGE_COUNT) -> list[str]:
    """``count`` deterministic passages: five or six sentences of one paragraph plus two from others."""
    passages: list[str] = []
    n = len(_PARAGRAPHS)
    for i in range(count):
        own = _PARAGRAPHS[i % n]
        shift = (i // n) % len(own)
        rotated = own[shift:] + own[:shift]
        taken = rotated[: len(own) - (i % 2)]
        guests = (_PARAGRAPHS[(i * 3 + 1) % n][i % len(own)], _PARAGRAPHS[(i * 5 + 2) % n][shift])
        separator = "" if i % n in (4, 5) else " "  # Chinese and Japanese run sentences together
        passages.append(separator.join((*taken, *guests)))
    return passages

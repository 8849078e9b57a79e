"""The analyzer: every spelling a Persian, Arabic or English writer uses gives the same terms."""

from __future__ import annotations

import pickle

import pytest

from portal.search.analysis import analyze, normalize, split_words
from portal.search.query_preparation import prepare_query
from portal.search.whoosh_engine.analyzer import CaseworkAnalyzer


@pytest.mark.parametrize(
    "spellings",
    [
        # ZWNJ, a space, or nothing between the parts of a word
        ("نرم‌افزار", "نرمافزار"),
        ("سازمان‌ها", "سازمان ها", "سازمانها", "سازمان"),
        ("می‌خواهم", "می خواهم", "میخواهم"),
        ("نمی‌توانم", "نمی توانم", "نمیتوانم"),
        ("سریع‌تر", "سریع تر", "سریعتر", "سریع‌ترین", "سریع"),
        ("حرفه‌ای", "حرفه ای", "حرفه"),
        # Arabic keyboard (ي ك ة) and Persian keyboard (ی ک ه)
        ("پشتيباني", "پشتیبانی"),
        ("كارت", "کارت"),
        ("مدرسة", "مدرسه"),
        ("هزينه", "هزینه"),
        # hamza and madda forms of alef, waw with hamza, yeh with hamza
        ("تأمین", "تامین"),
        ("إدارة", "اداره"),
        ("آموزش", "اموزش"),
        ("مسؤول", "مسوول"),
        ("رئیس", "رییس"),
        # harakat, tatweel, direction marks and presentation forms
        ("مُدِیرِیَّت", "مدیریت"),
        ("مدیـــریت", "مدیریت"),
        ("\u200fمدیریت\u200e", "مدیریت"),
        ("ﺳﻼﻡ", "سلام"),
        # digits in three scripts
        ("۱۴۰۳", "١٤٠٣", "1403"),
        ("۰۹۱۲۳۴۵۶۷۸۹", "09123456789"),
        # plural and prefixed forms
        ("مشتریان", "مشتری‌ها", "مشتری"),
        ("گزارش‌ها", "گزارش"),
        ("الشركات", "شركة", "الشركة"),
        ("الفاتورة", "فاتورة"),
        ("بالبريد", "البريد", "بريد"),
        ("الفنية", "فني"),
        # compounds with a `و` between their parts, or none (lexicon.COMPOUNDS)
        ("گفت‌وگو", "گفت و گو", "گفتگو", "گفتوگو", "گفت‌وگوی", "گفتگوهای"),
        ("جست‌وجو", "جست و جو", "جستجو", "جستجوی"),
        ("به‌روزرسانی", "به روز رسانی", "بروزرسانی", "بروز رسانی", "به‌روز رسانی"),
        # Persian forms that change the stem's last letter (ه -> گ), and -ات
        ("نماینده", "نمایندگان", "نمایندگی", "نماینده‌ها", "نمایندگی‌ها", "نماینده‌ی"),
        ("راننده", "رانندگان"),
        ("تولیدکننده", "تولیدکنندگان", "تولیدکننده‌های"),
        ("آماده", "آمادگی"),
        ("اطلاعات", "اطلاع"),
        ("تنظیمات", "تنظیم"),
        ("خدمت", "خدمات", "خدمة", "خدمتكم"),
        # Arabic broken plurals (lexicon.BROKEN_PLURALS), also after an article or a letter
        ("عميل", "عملاء", "العملاء", "للعملاء", "لعملاء"),
        ("مشكلة", "مشاكل", "مشكلات", "مشکل"),
        ("فاتورة", "فواتير", "الفواتير", "وفواتير"),
        ("جهاز", "أجهزة", "الأجهزة", "اجهزة"),
        ("رسالة", "رسائل", "الرسائل"),
        ("خطأ", "أخطاء", "خطا"),
        ("سؤال", "أسئلة"),
        ("شبكة", "شبكات", "شبكتنا"),
        ("مسئله", "مسائل", "مسأله"),
        ("مسئول", "مسؤول", "مسئولین"),
        ("سؤال", "سوال", "سئوال"),
        ("مدرک", "مدارک"),
        # acronyms and their plurals, also with a Persian plural ending
        ("API", "APIs", "apis", "API‌ها", "API ها", "API‌های"),
        ("VPN", "VPNs", "vpns"),
        ("SLA", "SLAs"),
        ("CSV", "CSVs", "csvs"),
        ("PC", "PCs"),
        # English: case, plurals and inflections; full-width letters
        ("Invoices", "invoice", "INVOICE"),
        ("printing", "printed", "prints", "print"),
        ("Ｐｒｉｎｔｅｒ", "printer"),
    ],
)
def test_spellings_of_one_word_give_the_same_terms(spellings):
    first, *others = spellings
    for other in others:
        assert analyze(other) == analyze(first), (first, other)


@pytest.mark.parametrize(
    "text",
    ["the", "و", "در", "من", "في", "to be or", "این را"],
)
def test_stop_words_are_not_indexed(text):
    assert analyze(text) == []


def test_not_and_no_are_kept_because_they_change_the_meaning():
    assert analyze("no internet") == ["no", "internet"]


def test_different_words_stay_different():
    assert len(set(analyze("کتاب کاربر مشتری فاکتور"))) == 4


@pytest.mark.parametrize(
    "one, other",
    [
        ("ویژه", "ویژگی"),  # special, feature
        ("بسته", "بستگی"),  # a package, it depends
        ("رای", "رایگان"),  # a vote, free
        ("رسید", "رسیدگی"),  # a receipt, handling
        ("نام", "نامه"),  # a name, a letter
        ("هفت", "هفته"),  # seven, a week
        ("بروز", "بروزرسانی"),  # it occurs, an update
        ("عملية", "عملاء"),  # an operation, customers
        ("گفت", "گفتگو"),  # said, a conversation
        ("فروش", "خریدوفروش"),  # joined, a compound is one word
    ],
)
def test_words_that_look_alike_stay_apart(one, other):
    assert analyze(one) != analyze(other)


def test_a_gaf_of_the_word_itself_stays():
    assert analyze("رنگی بزرگی کاتالوگ‌ها بلاگ‌ها") == analyze("رنگ بزرگ کاتالوگ بلاگ")


def test_persian_only_letters_block_article_stripping():
    # `الگو` (pattern) is Persian: its `ال` is not the Arabic article.
    assert analyze("الگو") == ["الگو"]


def test_offsets_point_into_the_original_text():
    text = "گزارش سازمان ها را با مُدیریت ببینید"
    words = {word: text[start:end] for start, end, word in split_words(text)}
    assert words["سازمانها"] == "سازمان ها"
    assert words["مدیریت"] == "مُدیریت"


def test_analyzer_survives_pickling_as_the_index_stores_it():
    analyzer = pickle.loads(pickle.dumps(CaseworkAnalyzer()))
    assert [t.text for t in analyzer("کتاب‌ها")] == ["کتاب"]


def test_stop_words_take_no_position_so_phrases_match_across_them():
    positions = [
        (t.text, t.pos) for t in CaseworkAnalyzer()("problem with the login", positions=True)
    ]
    assert positions == [("problem", 0), ("login", 1)]


def test_spelling_words_are_normalized_but_not_stemmed():
    assert [t.text for t in CaseworkAnalyzer()("سازمان‌ها Printers", no_morph=True)] == [
        "سازمانها",
        "printers",
    ]


def test_normalize_folds_a_whole_text():
    assert normalize("كتابي ۱۲ مُدیـریت") == "کتابی 12 مدیریت"


def test_prepare_query_joins_detached_pieces_before_the_parser_splits_words():
    assert prepare_query("سازمان ها") == "سازمان\u200cها"
    assert prepare_query("می خواهم گزارش") == "می\u200cخواهم گزارش"
    assert prepare_query('status:open "سازمان ها" OR ( می )') == (
        'status:open "سازمان ها" OR ( می )'
    )


def test_prepare_query_expands_compounds_that_exist_in_the_index():
    indexed = {"نرمافزار", "نرم", "افزار"}

    def exists(text):
        terms = analyze(text)
        return len(terms) == 1 and terms[0] in indexed

    assert prepare_query("نرم افزار", exists) == "((نرم افزار) OR نرمافزار)"
    assert prepare_query("نرمافزار", exists) == '(نرمافزار OR "نرم افزار")'
    assert prepare_query("نرم‌افزار", exists) == '(نرم‌افزار OR "نرم افزار")'
    assert prepare_query("کتاب", exists) == "کتاب"


def test_prepare_query_expands_compounds_with_a_spaced_and():
    indexed = {"حملونقل", "حمل", "نقل"}

    def exists(text):
        terms = analyze(text)
        return len(terms) == 1 and terms[0] in indexed

    # `و` takes no position, so the phrase "حمل نقل" matches `حمل و نقل`.
    assert prepare_query("حمل و نقل", exists) == "((حمل نقل) OR حملونقل)"
    assert prepare_query("حملونقل", exists) == '(حملونقل OR "حمل نقل")'
    assert prepare_query("حمل‌ونقل", exists) == '(حمل‌ونقل OR "حمل نقل")'
    assert prepare_query("کاربر و رمز", exists) == "کاربر و رمز"


def test_prepare_query_joins_listed_compounds_as_the_analyzer_does():
    assert prepare_query("گفت و گو با API ها") == "گفت\u200cو\u200cگو با API\u200cها"
    assert prepare_query("به روز رسانی") == "به\u200cروز\u200cرسانی"

"""Word lists the stemmer needs where suffix rules cannot work: plurals that change the word
inside (Arabic broken plurals, also used in Persian), and the few words whose last letter
must not go. Written as people write them; `analysis` folds them like any other word.

Part of what the analyzer produces: a change here needs a new SCHEMA_VERSION (a rebuild).
"""

from __future__ import annotations

# Broken plural -> singular, for the vocabulary of support cases. Suffix stripping cannot
# find `عميل` in `عملاء`; a table of the words customers and agents actually write can.
# Left out on purpose, as they would merge different words: حقوق (also a salary in Persian),
# حدود (also "about"), مهام (-> مهم, "important"), أجزاء (-> جز, "except"), فرق (teams, or
# a difference), محافظ (wallets, or a guard), مزايا (ميزة in Arabic, مزیت in Persian).
BROKEN_PLURALS = {
    # Arabic
    "عملاء": "عميل",
    "وكلاء": "وكيل",
    "زملاء": "زميل",
    "شركاء": "شريك",
    "مدراء": "مدير",
    "أعضاء": "عضو",
    "مشاكل": "مشكلة",
    "فواتير": "فاتورة",
    "أجهزة": "جهاز",
    "رسائل": "رسالة",
    "أخطاء": "خطأ",
    "تقارير": "تقرير",
    "برامج": "برنامج",
    "أسئلة": "سؤال",
    "أجوبة": "جواب",
    "ردود": "رد",
    "تذاكر": "تذكرة",
    "مواقع": "موقع",
    "عناوين": "عنوان",
    "أرقام": "رقم",
    "أسماء": "اسم",
    "موارد": "مورد",
    "أنظمة": "نظام",
    "جداول": "جدول",
    "حقول": "حقل",
    "أقسام": "قسم",
    "فروع": "فرع",
    "مكاتب": "مكتب",
    "مراكز": "مركز",
    "أيام": "يوم",
    "أشهر": "شهر",
    "شهور": "شهر",
    "أوقات": "وقت",
    "دقائق": "دقيقة",
    "أسعار": "سعر",
    "مبالغ": "مبلغ",
    "أموال": "مال",
    "ضرائب": "ضريبة",
    "أقساط": "قسط",
    "عقود": "عقد",
    "شروط": "شرط",
    "بنود": "بند",
    "عروض": "عرض",
    "خطط": "خطة",
    "مفاتيح": "مفتاح",
    "روابط": "رابط",
    "وثائق": "وثيقة",
    "صور": "صورة",
    "نسخ": "نسخة",
    "أسباب": "سبب",
    "حلول": "حل",
    "طرق": "طريقة",
    "خوادم": "خادم",
    "حواسيب": "حاسوب",
    "هواتف": "هاتف",
    "شرائح": "شريحة",
    "منافذ": "منفذ",
    "أعطال": "عطل",
    "أدوات": "أداة",
    "خصائص": "خاصية",
    "قواعد": "قاعدة",
    "عناصر": "عنصر",
    "مراحل": "مرحلة",
    "نتائج": "نتيجة",
    "وظائف": "وظيفة",
    "تفاصيل": "تفصيل",
    "أوامر": "أمر",
    "أشخاص": "شخص",
    "أفراد": "فرد",
    "مصادر": "مصدر",
    "شكاوى": "شكوى",
    "أنواع": "نوع",
    "أصناف": "صنف",
    "أماكن": "مكان",
    "مناطق": "منطقة",
    "مدن": "مدينة",
    "طرود": "طرد",
    "بضائع": "بضاعة",
    "سلع": "سلعة",
    "حوادث": "حادث",
    "مخاطر": "خطر",
    "رواتب": "راتب",
    "أجور": "أجر",
    "أدلة": "دليل",
    "كتب": "كتاب",
    "أبواب": "باب",
    "أخبار": "خبر",
    "علائم": "علامة",
    # Persian uses these (and some above: موارد, افراد, اسامی ...)
    "مدارک": "مدرک",
    "مسائل": "مسئله",
    "اسناد": "سند",
    "دلایل": "دلیل",
    "عوامل": "عامل",
    "اقلام": "قلم",
    "دفاتر": "دفتر",
    "شرایط": "شرط",
    "قوانین": "قانون",
    "وسایل": "وسیله",
    "سوابق": "سابقه",
    "اسامی": "اسم",
    "منابع": "منبع",
    "مراجع": "مرجع",
    "امور": "امر",
    "معایب": "عیب",
    "مشاغل": "شغل",
    "فواید": "فایده",
    "فوائد": "فایده",
    "مطالب": "مطلب",
    "اوراق": "ورق",
    "اعداد": "عدد",
    "اجناس": "جنس",
}

# Persian writes some Arabic words ending in ة with ت (خدمت for خدمة) but keeps the Arabic
# plural (خدمات): these meet the Arabic spelling, so all forms share one stem.
PERSIAN_TEH = {
    "خدمت": "خدمة",
    "ساعت": "ساعة",
    "حالت": "حالة",
    "علامت": "علامة",
    "حرکت": "حركة",
}

# Words whose final ه stays: without it they are another common word (نامه a letter, نام
# a name; هفته a week, هفت seven; سامانه a system, سامان a bank; دسته a group, دست a hand).
KEEP_FINAL_HEH = ("نامه", "هفته", "سامانه", "دسته")

# `-گان` / `-گی` forms whose گ is the word's own (or whose meaning is not the ه-word's):
# رایگان (free) is not رای (a vote), بایگانی (archive), هشتگ (hashtag), بستگی (it depends)
# is not بسته (a package), رسیدگی (handling) is not رسید (a receipt).
KEEP_GAF = ("رایگ", "بایگ", "شایگ", "هشتگ", "بستگ", "رسیدگ")

# Compounds that become one word however they are written: joined, with ZWNJs, or with
# spaces between their parts (`گفت و گو`), and the other joined spellings listed with them
# (`گفتگو`). Only compounds whose parts mean little on their own in a support case: where a
# part is a word people search for (فروش in خرید و فروش), the parts stay words and query
# preparation adds the joined spelling instead (query_preparation.prepare_query). Each is
# written with a ZWNJ between its parts; spaced spellings are every way of spacing those parts.
COMPOUNDS = {
    "گفت‌و‌گو": ("گفت‌گو",),
    "جست‌و‌جو": ("جست‌جو",),
    "شست‌و‌شو": ("شست‌شو",),
    "پرس‌و‌جو": (),
    "گفت‌و‌شنود": ("گفت‌شنود",),
    "داد‌و‌ستد": (),
    "رفت‌و‌آمد": (),
    "آمد‌و‌شد": (),
    "بند‌و‌بست": (),
    "زد‌و‌خورد": (),
    "جنب‌و‌جوش": (),
    "پیچ‌و‌خم": (),
    "ریخت‌و‌پاش": (),
    "کم‌و‌کاست": (),
    "سوخت‌و‌ساز": (),
    "ساخت‌و‌ساز": (),
    "پخت‌و‌پز": (),
    "به‌روز‌رسانی": ("بروز‌رسانی",),
    "به‌روز‌آوری": ("بروز‌آوری",),
}

# Words written with the hamza on different seats (ئ, أ, ؤ fold to ی, ا, و): one spelling.
HAMZA_SPELLINGS = {
    "مسأله": "مسئله",
    "مساله": "مسئله",
    "مسئول": "مسؤول",
    "مسئولیت": "مسؤولیت",
    "سئوال": "سؤال",
}

"""A labelled recall set for case search: cases written the way customers write them, in
Persian, Arabic and English, and queries each with the cases that must match.

Every case not listed for a query must not match it. Labels follow the word, not the
analyzer: a query matches the cases holding one of its words in any spelling (joined, with a
ZWNJ or spaced; Arabic or Persian keyboard), any inflection (plural, derived `-گی`/`-گان`,
`-ات`, Arabic broken plural, English plural of an acronym), and homographs (`بسته`, closed or
a package). The Persian and the Arabic spelling of one word are one word (`مشکل` and
`مشكلة`, `خدمت` and `خدمة`, `خطا` and `خطأ`). Synonyms do not count (`گذرواژه` is not
`رمز عبور`). A query of several words matches the cases holding all of them.

Two cases hold forms the analyzer does not reach, on purpose, as customers write them:
a Persian possessive ending (`حسابم`, my account) and an Arabic pronoun after a ة written
`ـتي` (`فاتورتي`, my invoice); both would need a dictionary to tell them from words that
end so (`تنظیم`, `صوتي`). Some cases are there as traps: `بروز خطا` (an error
occurs) is not `بروزرسانی` (update), `ویژه` (special) is not `ویژگی` (feature), `بستگی`
(it depends) is not `بسته`, `نامه` (a letter) is not `نام` (a name), `گفت` (said) is not
`گفتگو`, `عملية` (an operation) is not `عملاء` (customers).
"""

from __future__ import annotations

# key -> (subject, description)
CASES: dict[str, tuple[str, str]] = {
    # Persian ----------------------------------------------------------------------------
    "fa-sw1": (
        "خطا در نصب نرم‌افزار حسابداری",
        "بعد از نصب نسخه جدید، نرم‌افزار هنگام باز کردن فاکتورها بسته می‌شود.",
    ),
    "fa-sw2": (
        "نرم افزار روی ویندوز ۱۱ اجرا نمی شود",
        "پیغام خطای ناشناخته نمایش داده می‌شود و برنامه بسته می شود.",
    ),
    "fa-sw3": ("لایسنس نرمافزار منقضی شده", "کلید فعالسازی را وارد کردم ولی قبول نمی‌کند."),
    "fa-sw4": (
        "آموزش نرم‌افزارهای مالی",
        "همکاران ما با نرم افزارهای جدید آشنا نیستند و جلسه آموزشی می‌خواهند.",
    ),
    "fa-hw1": ("مشکل سخت‌افزاری سرور", "دیسک سرور صدای غیرعادی می‌دهد و سرعت پایین آمده است."),
    "fa-hw2": ("لیست سخت افزار مورد نیاز", "برای نصب نسخه سازمانی به چه سخت افزاری نیاز داریم؟"),
    "fa-up1": (
        "خطا بعد از به‌روزرسانی ویندوز",
        "بعد از به‌روزرسانی دیشب، چاپگر شبکه دیگر کار نمی‌کند.",
    ),
    "fa-up2": (
        "بروزرسانی برنامه موبایل انجام نمی‌شود",
        "در فروشگاه، دکمه بروزرسانی غیرفعال است.",
    ),
    "fa-up3": (
        "به روز رسانی اطلاعات تماس",
        "لطفا شماره تلفن و نشانی شرکت ما را به روز رسانی کنید.",
    ),
    "fa-up4": (
        "بروز خطا هنگام ورود",
        "هنگام ورود به سامانه پیغام بروز خطای داخلی نمایش داده می‌شود.",
    ),
    "fa-bk1": ("پشتیبان‌گیری خودکار انجام نشد", "گزارش پشتیبان‌گیری شب گذشته خالی است."),
    "fa-bk2": ("پشتیبان گیری از پایگاه داده", "چطور پشتیبان گیری روزانه را زمان‌بندی کنم؟"),
    "fa-bk3": (
        "فایل پشتیبانگیری باز نمی‌شود",
        "فایل را از سرور دانلود کردم اما خطای فرمت می‌دهد.",
    ),
    "fa-sup1": (
        "پشتیبانی تلفنی پاسخ نمی‌دهد",
        "از صبح چند بار با پشتیبانی تماس گرفتم ولی کسی جواب نداد.",
    ),
    "fa-reg1": ("ثبت‌نام در پورتال انجام نمی‌شود", "پس از ثبت‌نام ایمیل تایید دریافت نکردم."),
    "fa-reg2": ("فرم ثبت نام خطا می‌دهد", "فرم ثبت نام کاربر جدید خطای ۵۰۰ می‌دهد."),
    "fa-reg3": ("مشکل ثبتنام همکار", "همکارم نمی‌تواند در سامانه ثبتنام کند."),
    "fa-name1": ("تغییر نام شرکت در فاکتور", "نام شرکت ما در فاکتورها اشتباه نوشته شده است."),
    "fa-chat1": ("گفت‌وگوی آنلاین قطع می‌شود", "در پنجره گفت‌وگو پیام‌ها ارسال نمی‌شوند."),
    "fa-chat2": ("سابقه گفتگو با پشتیبانی", "سابقه گفتگوهای قبلی من در پنل دیده نمی‌شود."),
    "fa-chat3": ("گفت و گو با کارشناس فروش", "می‌خواهم درباره تمدید قرارداد گفت و گو کنم."),
    "fa-chat4": ("دکمه گفتوگو در موبایل", "دکمه گفتوگو در نسخه موبایل سایت کار نمی‌کند."),
    "fa-said": (
        "پاسخ متناقض کارشناس",
        "کارشناس گفت که مشکل از شبکه ماست ولی همکارش چیز دیگری گفت.",
    ),
    "fa-srch1": (
        "جست‌وجو در پرونده‌ها نتیجه نمی‌دهد",
        "جست‌وجوی شماره فاکتور هیچ نتیجه‌ای ندارد.",
    ),
    "fa-srch2": ("جستجوی پیشرفته کار نمی‌کند", "فیلتر تاریخ در جستجو اعمال نمی‌شود."),
    "fa-srch3": ("کادر جست و جو در موبایل دیده نمی‌شود", "در گوشی آیفون کادر جست و جو پنهان است."),
    "fa-ship1": ("هزینه حمل و نقل در فاکتور", "هزینه حمل و نقل دو بار محاسبه شده است."),
    "fa-ship2": ("تاخیر در حمل‌ونقل سفارش", "سفارش ما هنوز به شرکت حملونقل تحویل نشده."),
    "fa-qry1": (
        "پرس‌وجوی گزارش کند است",
        "اجرای پرس و جو روی جدول فروش چند دقیقه طول می‌کشد.",
    ),
    "fa-rep1": ("تماس نماینده فروش", "نماینده فروش شما هنوز با ما تماس نگرفته است."),
    "fa-rep2": ("فهرست نمایندگان مجاز در شیراز", "نشانی نمایندگان رسمی در شیراز را لازم داریم."),
    "fa-rep3": ("نمایندگی تعمیرات در تبریز", "آیا در تبریز نمایندگی رسمی دارید؟"),
    "fa-rep4": (
        "نماینده‌ها پاسخگو نیستند",
        "با سه نماینده‌ی مختلف صحبت کردم و هیچ‌کدام پاسخ ندادند.",
    ),
    "fa-drv1": ("راننده پیک سفارش را تحویل نداد", "راننده می‌گوید نشانی پیدا نشد."),
    "fa-drv2": ("تاخیر رانندگان شرکت پخش", "رانندگان شرکت پخش هر روز دیر می‌رسند."),
    "fa-sel1": ("فروشنده کالای معیوب فرستاده", "فروشنده به پیام‌های ما جواب نمی‌دهد."),
    "fa-sel2": ("پنل فروشندگان باز نمی‌شود", "هیچ‌کدام از فروشندگان نمی‌توانند وارد پنل شوند."),
    "fa-ready1": ("آمادگی برای ممیزی امنیتی", "آیا سامانه شما برای ممیزی آمادگی دارد؟"),
    "fa-ready2": ("سفارش آماده ارسال است", "سفارش از سه روز پیش آماده است اما ارسال نشده."),
    "fa-feat": ("ویژگی‌های نسخه جدید", "ویژگی جدید گزارش‌گیری کجا فعال می‌شود؟"),
    "fa-spec": ("پشتیبانی ویژه مشتریان طلایی", "قرارداد پشتیبانی ویژه ما تمدید نشده است."),
    "fa-pkg": ("بسته اینترنت تمدید نشد", "بسته اینترنت ماهانه با وجود پرداخت فعال نشد."),
    "fa-dep": ("زمان تحویل بستگی به چه دارد؟", "زمان ارسال سفارش به چه عواملی بستگی دارد؟"),
    "fa-info1": (
        "اطلاعات حساب کاربری نمایش داده نمی‌شود",
        "در صفحه پروفایل اطلاعات کاربر خالی است.",
    ),
    "fa-info2": ("عدم اطلاع از قطعی سرویس", "هیچ اطلاع‌رسانی درباره قطعی دیروز انجام نشد."),
    "fa-set1": (
        "تنظیمات ایمیل ذخیره نمی‌شود",
        "بعد از تغییر تنظیمات SMTP و ذخیره، مقادیر قبلی برمی‌گردد.",
    ),
    "fa-set2": ("تنظیم ساعت سرور", "ساعت سرور پنج دقیقه عقب است، لطفا تنظیم کنید."),
    "fa-chg": ("تغییرات قیمت اعمال نشده", "تغییر قیمت محصولات در فاکتور جدید دیده نمی‌شود."),
    "fa-prob1": ("مشکلات پرداخت آنلاین", "درگاه پرداخت چند بار خطا داد و مبلغ کسر شد."),
    "fa-prob2": ("مشکل در ورود به حساب", "رمز عبور را درست وارد می‌کنم ولی وارد نمی‌شود."),
    "fa-srv1": ("قطع خدمات اینترنت", "خدمات اینترنت شرکت از دیروز قطع است."),
    "fa-srv2": ("کیفیت خدمت پشتیبانی", "از کیفیت خدمت ارائه شده راضی نیستیم."),
    "fa-file1": ("فایل‌ها آپلود نمی‌شوند", "فایل‌های بزرگتر از ۱۰ مگابایت آپلود نمی‌شوند."),
    "fa-file2": ("دانلود فایلهای گزارش", "فایلهای گزارش ماهانه خراب دانلود می‌شوند."),
    "fa-file3": ("فایل ها در پوشه مشترک", "فایل ها بعد از همگام‌سازی از پوشه مشترک حذف می‌شوند."),
    "fa-file4": ("ارسال فایل فاکتور", "فایل فاکتور را برای من ایمیل کنید."),
    "fa-req1": ("درخواست‌های من بی‌پاسخ مانده", "درخواستهای قبلی من هنوز بررسی نشده‌اند."),
    "fa-req2": ("درخواست استرداد وجه", "برای سفارش لغو شده بازگشت پول می‌خواهم."),
    "fa-doc1": ("ارسال مدارک شرکت", "مدارک شرکت را کجا بارگذاری کنم؟"),
    "fa-doc2": ("مدرک تحصیلی در پروفایل", "امکان افزودن مدرک جدید وجود ندارد."),
    "fa-case1": ("موارد باز تیکت‌ها", "چند مورد از تیکت‌های ما باز مانده است."),
    "fa-issue1": ("مسائل امنیتی حساب", "یک مسئله امنیتی در حساب ما دیده شده است."),
    "fa-prog1": ("برنامه‌ها روی گوشی نصب نمی‌شوند", "برنامه های جدید روی اندروید نصب نمی‌شوند."),
    "fa-letter": ("نامه رسمی برای تمدید قرارداد", "لطفا نامه رسمی تمدید قرارداد را ارسال کنید."),
    "fa-user1": ("ایجاد کاربر جدید", "چطور برای همکار تازه‌وارد کاربر بسازم؟"),
    "fa-user2": ("کاربران از سیستم خارج می‌شوند", "کاربرها هر ده دقیقه از سیستم خارج می‌شوند."),
    "fa-cust": ("مشتریان از پیامک شکایت دارند", "مشتری‌ها پیامک تایید سفارش دریافت نمی‌کنند."),
    "fa-sms": ("ارسال پیامک انجام نمی‌شود", "پنل پیامک خطای اعتبار ناکافی می‌دهد."),
    "fa-api": ("مستندات API‌ها", "مستندات API‌های جدید کجا منتشر شده است؟"),
    "fa-vpn": ("قطع شدن VPN", "اتصال VPN هر نیم ساعت قطع می‌شود."),
    "fa-keyboard": ("مشكل در چاپ فاكتور", "چاپگر فاكتورهاي جديد را چاپ نمي‌كند."),
    "fa-web1": ("وب‌سایت شرکت بالا نمی‌آید", "از صبح وب‌سایت با خطای ۵۰۲ باز می‌شود."),
    "fa-web2": ("وبسایت کند شده", "صفحات وبسایت دیر بارگذاری می‌شوند."),
    "fa-web3": ("آدرس وب سایت در فاکتور", "آدرس وب سایت ما در سربرگ فاکتور اشتباه است."),
    "fa-free": ("امکانات نسخه رایگان", "آیا نسخه رایگان امکان گزارش گیری دارد؟"),
    "fa-biz1": ("نرم‌افزار کسب و کار کوچک", "برای کسب‌وکارهای کوچک چه بسته‌ای دارید؟"),
    "fa-biz2": ("مشاوره کسبوکار", "آیا خدمات مشاوره کسبوکار هم ارائه می‌دهید؟"),
    "fa-trade": ("گزارش خرید و فروش ماهانه", "گزارش خرید و فروش اسفند ناقص است."),
    "fa-sales": ("کاهش فروش فروشگاه", "فروش آنلاین فروشگاه ما افت کرده است."),
    "fa-mfr": ("لیست تولیدکنندگان قطعات", "تولیدکننده‌های داخلی قطعات را معرفی کنید."),
    "fa-acc3": ("وارد حسابم نمی‌شوم", "از دیروز نمی‌توانم وارد حسابم شوم."),
    # Arabic -----------------------------------------------------------------------------
    "ar-cl1": (
        "شكوى من خدمة العملاء",
        "انتظرت ساعة على الهاتف ولم يرد أحد من فريق خدمة العملاء.",
    ),
    "ar-cl2": (
        "إضافة عميل جديد إلى النظام",
        "لا أستطيع إضافة عميل جديد، تظهر رسالة خطأ عند الحفظ.",
    ),
    "ar-cl3": (
        "بيانات العميل لا تظهر في التقرير",
        "عند فتح التقرير الشهري لا تظهر أسماء العملاء ولا أرقام هواتفهم.",
    ),
    "ar-cl4": ("تصدير قائمة العملاء", "نحتاج ملف إكسل يحتوي على جميع عملاء الشركة."),
    "ar-cl5": ("شكاوى لعملاء جدد", "وصلتنا شكاوى من عملاء جدد حول التفعيل."),
    "ar-op": ("عملية الدفع فشلت", "فشلت عملية الدفع بالبطاقة ثلاث مرات."),
    "ar-tkt": ("التذاكر المفتوحة لا تظهر", "لا تظهر التذاكر المفتوحة في لوحة التحكم."),
    "ar-prob1": (
        "مشكلة في تسجيل الدخول",
        "منذ الأمس لا أستطيع الدخول إلى حسابي، تظهر رسالة أن كلمة المرور غير صحيحة.",
    ),
    "ar-prob2": (
        "مشاكل متكررة في الشبكة",
        "نواجه مشاكل في الاتصال بالشبكة اللاسلكية عدة مرات يوميا.",
    ),
    "ar-prob3": (
        "مشكلات الطباعة بعد التحديث",
        "بعد التحديث الأخير أصبحت الطابعة تطبع صفحات فارغة.",
    ),
    "ar-inv1": (
        "الفاتورة الشهرية غير صحيحة",
        "المبلغ في الفاتورة أعلى من قيمة الاشتراك المتفق عليها.",
    ),
    "ar-inv2": ("لم تصلني فواتير شهر مارس", "أرجو إرسال الفواتير إلى البريد الإلكتروني للمحاسبة."),
    "ar-inv3": ("طلب نسخة من فاتورة سابقة", "أحتاج نسخة PDF من فاتورة شهر يناير."),
    "ar-inv4": ("لم تصلني فاتورتي لشهر أبريل", "أين أجد فاتورتي الأخيرة في حسابي؟"),
    "ar-dev1": ("الجهاز لا يعمل بعد الشحن", "وصل الجهاز اليوم لكنه لا يعمل ولا تظهر أي إضاءة."),
    "ar-dev2": (
        "تسجيل أجهزة جديدة للموظفين",
        "نريد تسجيل عشرة أجهزة محمولة جديدة للموظفين الجدد.",
    ),
    "ar-dev3": (
        "الأجهزة لا تتصل بالخادم",
        "جميع الأجهزة في الفرع الثاني لا تتصل بالخادم منذ الصباح.",
    ),
    "ar-msg1": ("رسالة خطأ عند رفع ملف", "تظهر رسالة خطأ عندما أحاول رفع ملف أكبر من ١٠ ميغابايت."),
    "ar-msg2": (
        "الرسائل لا تصل إلى العملاء",
        "الرسائل النصية التي يرسلها النظام لا تصل إلى العملاء.",
    ),
    "ar-msg3": ("حذف رسائل البريد القديمة", "كيف يمكنني حذف رسائل البريد الأقدم من سنة؟"),
    "ar-req1": ("طلب استرداد مبلغ", "أرجو استرداد المبلغ المدفوع مرتين."),
    "ar-req2": (
        "الطلبات معلقة منذ أسبوع",
        "جميع الطلبات التي أرسلناها معلقة ولم تتم معالجتها.",
    ),
    "ar-req3": ("متابعة طلبات الشراء", "أين يمكنني متابعة حالة طلبات الشراء؟"),
    "ar-acc1": ("إغلاق حساب موظف سابق", "نرجو إغلاق حساب الموظف الذي ترك العمل."),
    "ar-acc2": ("دمج الحسابات المكررة", "لدينا حسابات مكررة لنفس العميل ونريد دمجها."),
    "ar-file1": ("الملفات المرفقة لا تفتح", "لا يمكن فتح الملفات المرفقة في التذكرة."),
    "ar-file2": ("حجم الملف كبير جدا", "هل يمكن زيادة الحد الأقصى لحجم الملف المرفق؟"),
    "ar-srv1": ("انقطاع الخدمة في الرياض", "الخدمة متوقفة منذ الساعة العاشرة صباحا."),
    "ar-srv2": ("إلغاء الخدمات الإضافية", "نريد إلغاء جميع الخدمات الإضافية من الاشتراك."),
    "ar-srv3": ("شكر على خدمتكم", "خدمتكم ممتازة لكن الرد تأخر كثيرا."),
    "ar-net1": ("الشبكة بطيئة جدا", "سرعة الشبكة في المكتب أقل من ١ ميغابت."),
    "ar-net2": ("إعداد شبكات افتراضية خاصة", "نحتاج إلى إعداد شبكات افتراضية بين الفروع."),
    "ar-net3": ("شبكتنا تنقطع ليلا", "شبكتنا الداخلية تنقطع كل ليلة بعد منتصف الليل."),
    "ar-pw1": ("نسيت كلمة المرور", "رابط إعادة تعيين كلمة المرور لا يصل."),
    "ar-pw2": ("كلمات المرور لا تحفظ في المتصفح", "المتصفح يطلب كلمات المرور في كل مرة."),
    "ar-emp1": (
        "صلاحيات الموظفين الجدد",
        "الموظفون الجدد لا يستطيعون رؤية لوحة التحكم.",
    ),
    "ar-emp2": (
        "موظف لا يستطيع الدخول",
        "أحد الموظفين لا يستطيع الدخول إلى النظام بعد تغيير كلمة المرور.",
    ),
    "ar-usr1": ("إضافة مستخدمين إلى الحساب", "كيف أضيف مستخدمين جددا إلى حساب الشركة؟"),
    "ar-usr2": (
        "المستخدم محظور بعد محاولات فاشلة",
        "تم حظر المستخدم بعد ثلاث محاولات دخول فاشلة.",
    ),
    "ar-err1": (
        "أخطاء في تقارير المبيعات",
        "تقارير المبيعات الأسبوعية تحتوي على أخطاء في المجاميع.",
    ),
    "ar-prg1": ("البرامج لا تعمل على ويندوز ١١", "بعد الترقية توقفت جميع البرامج المحاسبية."),
    "ar-prg2": ("تثبيت برنامج المحاسبة", "أين أجد ملف تثبيت برنامج المحاسبة؟"),
    "ar-q1": ("أسئلة حول الاشتراك السنوي", "لدي بعض الأسئلة حول تجديد الاشتراك السنوي."),
    "ar-q2": ("سؤال عن طريقة الدفع", "هل يمكن الدفع بالتحويل البنكي؟"),
    # English ----------------------------------------------------------------------------
    "en-api1": (
        "API rate limit errors since Monday",
        "Our integration gets HTTP 429 from the orders API every few minutes.",
    ),
    "en-api2": (
        "Which APIs support webhooks?",
        "We want to know which of your APIs can push events instead of polling.",
    ),
    "en-api3": ("Deprecated API keys", "Two old API keys still work after rotation."),
    "en-vpn1": ("VPN disconnects every hour", "The VPN client drops the tunnel after 60 minutes."),
    "en-vpn2": (
        "Two VPNs for the branch offices",
        "We need site-to-site VPNs between Leeds and York.",
    ),
    "en-sla1": (
        "SLA breach on priority tickets",
        "The first response SLA was missed on three urgent cases.",
    ),
    "en-sla2": ("Different SLAs for premium customers", "Can we define SLAs per customer tier?"),
    "en-csv1": (
        "CSV export has broken characters",
        "Exported CSV files show question marks instead of Persian names.",
    ),
    "en-csv2": ("Importing CSVs fails", "Uploading CSVs larger than 5 MB times out."),
    "en-pdf1": ("PDF invoices are blank", "Downloaded PDFs of invoices open as empty pages."),
    "en-url1": (
        "Broken URLs in notification emails",
        "The URLs in the reset emails point to the staging server.",
    ),
    "en-inv1": ("Invoice shows the wrong VAT", "Invoice 2024-118 charges 20% VAT instead of 5%."),
    "en-pw1": (
        "Password reset link expired",
        "The link in the password reset email expires before I can use it.",
    ),
    "en-pw2": ("Users cannot change passwords", "Changing passwords fails with a policy error."),
    "en-print1": (
        "Printer offline after update",
        "The warehouse printers show offline since the driver update.",
    ),
    "en-id": ("Duplicate customer IDs in export", "Two customers share the same ID in the report."),
    "en-slack": ("Slack integration stopped posting", "Messages no longer reach our channel."),
}

_SOFTWARE = {"fa-sw1", "fa-sw2", "fa-sw3", "fa-sw4", "fa-biz1"}
_HARDWARE = {"fa-hw1", "fa-hw2"}
_UPDATE = {"fa-up1", "fa-up2", "fa-up3"}
_BACKUP = {"fa-bk1", "fa-bk2", "fa-bk3"}
_SIGN_UP = {"fa-reg1", "fa-reg2", "fa-reg3"}
_WEBSITE = {"fa-web1", "fa-web2", "fa-web3"}
_REPORTING = {"fa-feat", "fa-free"}
_CHAT = {"fa-chat1", "fa-chat2", "fa-chat3", "fa-chat4"}
_SEARCH = {"fa-srch1", "fa-srch2", "fa-srch3"}
_TRANSPORT = {"fa-ship1", "fa-ship2"}
_REPRESENTATIVE = {"fa-rep1", "fa-rep2", "fa-rep3", "fa-rep4"}
_DRIVER = {"fa-drv1", "fa-drv2"}
_SELLER = {"fa-sel1", "fa-sel2"}
_READY = {"fa-ready1", "fa-ready2"}
_INFORMATION = {"fa-info1", "fa-info2", "fa-up3"}
_SETTING = {"fa-set1", "fa-set2"}
_FILE_FA = {"fa-file1", "fa-file2", "fa-file3", "fa-file4", "fa-bk3"}
_DOCUMENT = {"fa-doc1", "fa-doc2"}
_USER_FA = {"fa-user1", "fa-user2", "fa-reg2", "fa-info1"}
# Persian and Arabic spellings of one word count as the same word (مشکل / مشكلة).
_PROBLEM = {
    *("fa-prob1", "fa-prob2", "fa-hw1", "fa-reg3", "fa-said", "fa-keyboard"),
    *("ar-prob1", "ar-prob2", "ar-prob3"),
}
_INVOICE_FA = {
    "fa-sw1",
    "fa-name1",
    "fa-srch1",
    "fa-ship1",
    "fa-chg",
    "fa-file4",
    "fa-keyboard",
    "fa-web3",
}
_CUSTOMER_AR = {"ar-cl1", "ar-cl2", "ar-cl3", "ar-cl4", "ar-cl5", "ar-msg2", "ar-acc2"}
_INVOICE_AR = {"ar-inv1", "ar-inv2", "ar-inv3", "ar-inv4"}
_DEVICE = {"ar-dev1", "ar-dev2", "ar-dev3"}
_MESSAGE = {"ar-msg1", "ar-msg2", "ar-msg3", "ar-cl2", "ar-prob1"}
_REQUEST_AR = {"ar-req1", "ar-req2", "ar-req3", "ar-inv3"}
_ACCOUNT = {
    *("ar-acc1", "ar-acc2", "ar-prob1", "ar-usr1", "ar-inv4"),
    *("fa-info1", "fa-prob2", "fa-issue1", "fa-acc3"),
}
_FILE_AR = {"ar-file1", "ar-file2", "ar-msg1", "ar-prg2", "ar-cl4"}
_SERVICE = {"ar-srv1", "ar-srv2", "ar-srv3", "ar-cl1", "fa-srv1", "fa-srv2", "fa-biz2"}
_NETWORK = {"ar-net1", "ar-net2", "ar-net3", "ar-prob2", "fa-up1", "fa-said"}
_WORD_AR = {"ar-pw1", "ar-pw2", "ar-prob1", "ar-emp2"}
_EMPLOYEE = {"ar-emp1", "ar-emp2", "ar-acc1", "ar-dev2"}
_USER_AR = {"ar-usr1", "ar-usr2"}
_ERROR = {
    *("ar-cl2", "ar-msg1", "ar-err1"),
    *("fa-sw1", "fa-sw2", "fa-up1", "fa-up4", "fa-bk3", "fa-reg2", "fa-prob1", "fa-web1"),
    "fa-sms",
}
_REPORT_AR = {"ar-cl3", "ar-err1"}
_PROGRAM_AR = {"ar-prg1", "ar-prg2"}
_QUESTION_AR = {"ar-q1", "ar-q2"}
_API = {"en-api1", "en-api2", "en-api3", "fa-api"}
_VPN = {"en-vpn1", "en-vpn2", "fa-vpn"}
_SLA = {"en-sla1", "en-sla2"}
_CSV = {"en-csv1", "en-csv2"}
_PDF = {"en-pdf1", "ar-inv3"}

# (query as typed, the cases it must match)
QUERIES: list[tuple[str, set[str]]] = [
    # Persian compounds: joined, with a ZWNJ, spaced
    ("نرم افزار", _SOFTWARE),
    ("نرم‌افزار", _SOFTWARE),
    ("نرمافزار", _SOFTWARE),
    ("نرم افزارها", _SOFTWARE),
    ("سخت افزار", _HARDWARE),
    ("سخت‌افزار", _HARDWARE),
    ("به‌روزرسانی", _UPDATE),
    ("به روز رسانی", _UPDATE),
    ("بروزرسانی", _UPDATE),
    ("پشتیبان‌گیری", _BACKUP),
    ("پشتیبان گیری", _BACKUP),
    ("پشتیبانگیری", _BACKUP),
    ("ثبت‌نام", _SIGN_UP),
    ("ثبت نام", _SIGN_UP),
    ("ثبتنام", _SIGN_UP),
    ("وب سایت", _WEBSITE),
    ("وبسایت", _WEBSITE),
    ("وب‌سایت", _WEBSITE),
    ("گزارش‌گیری", _REPORTING),
    ("گزارشگیری", _REPORTING),
    # ... and with a spaced, ZWNJ-joined or joined "و" between their parts, or none
    ("گفت‌وگو", _CHAT),
    ("گفت و گو", _CHAT),
    ("گفتگو", _CHAT),
    ("گفتوگو", _CHAT),
    ("جست‌وجو", _SEARCH),
    ("جستجو", _SEARCH),
    ("جست و جو", _SEARCH),
    ("حمل و نقل", _TRANSPORT),
    ("حملونقل", _TRANSPORT),
    ("حمل‌ونقل", _TRANSPORT),
    ("کسب و کار", {"fa-biz1", "fa-biz2"}),
    ("کسبوکار", {"fa-biz1", "fa-biz2"}),
    ("کسب‌وکارها", {"fa-biz1", "fa-biz2"}),
    ("خرید و فروش", {"fa-trade"}),
    ("خرید‌وفروش", {"fa-trade"}),
    ("فروش", {"fa-trade", "fa-sales", "fa-rep1", "fa-chat3", "fa-qry1"}),
    ("پرس و جو", {"fa-qry1"}),
    ("پرسوجو", {"fa-qry1"}),
    # Persian plural and derived forms that change the stem's last letter
    ("نماینده", _REPRESENTATIVE),
    ("نمایندگان", _REPRESENTATIVE),
    ("نمایندگی", _REPRESENTATIVE),
    ("نماینده ها", _REPRESENTATIVE),
    ("راننده", _DRIVER),
    ("رانندگان", _DRIVER),
    ("فروشنده", _SELLER),
    ("فروشندگان", _SELLER),
    ("تولیدکننده", {"fa-mfr"}),
    ("تولید کنندگان", {"fa-mfr"}),
    ("آماده", _READY),
    ("آمادگی", _READY),
    ("ویژگی", {"fa-feat"}),
    ("ویژه", {"fa-spec"}),
    ("بسته", {"fa-pkg", "fa-sw1", "fa-sw2", "fa-biz1"}),
    ("بستگی", {"fa-dep"}),
    # -ات
    ("اطلاعات", _INFORMATION),
    ("اطلاع", _INFORMATION),
    ("تنظیمات", _SETTING),
    ("تنظیم", _SETTING),
    ("تغییرات", {"fa-chg", "fa-set1", "fa-name1", "ar-emp2"}),
    ("خدمت", _SERVICE),
    ("مشکلات", _PROBLEM),
    ("امکانات", {"fa-free", "fa-doc2"}),
    # -ها / -های, with and without ZWNJ
    ("فایل‌ها", _FILE_FA),
    ("فایلهای", _FILE_FA),
    ("فایل ها", _FILE_FA),
    ("فایل", _FILE_FA),
    ("درخواست‌ها", {"fa-req1", "fa-req2"}),
    ("درخواست", {"fa-req1", "fa-req2"}),
    ("برنامه‌ها", {"fa-prog1", "fa-sw2", "fa-up2"}),
    ("کاربران", _USER_FA),
    ("کاربرها", _USER_FA),
    ("مشتری‌ها", {"fa-cust", "fa-spec"}),
    ("تیکت ها", {"fa-case1"}),
    ("پیام‌ها", {"fa-chat1", "fa-sel1"}),
    # Arabic plurals that Persian uses
    ("مدارک", _DOCUMENT),
    ("مدرک", _DOCUMENT),
    ("مورد", {"fa-case1", "fa-hw2"}),
    ("مسئله", {"fa-issue1"}),
    ("مسائل", {"fa-issue1"}),
    # Words that are not one another
    ("نام", {"fa-name1", "fa-reg2"}),  # `ثبت نام` spaced holds the word
    ("نامه", {"fa-letter"}),
    ("رایگان", {"fa-free"}),
    ("پشتیبانی", {"fa-sup1", "fa-chat2", "fa-srv2", "fa-spec", "fa-bk2"}),  # پشتیبان گیری
    # Arabic keyboard, Persian text
    ("فاكتور", _INVOICE_FA),
    ("فاکتورها", _INVOICE_FA),
    ("مشكل", _PROBLEM),
    # Persian multi-word
    ("نصب نرم افزار", {"fa-sw1"}),
    ("رمز عبور", {"fa-prob2"}),
    # Acronyms and their English plurals (also inside Persian text)
    ("API", _API),
    ("APIs", _API),
    ("API‌ها", _API),
    ("VPN", _VPN),
    ("VPNs", _VPN),
    ("SLA", _SLA),
    ("SLAs", _SLA),
    ("CSV", _CSV),
    ("CSVs", _CSV),
    ("PDF", _PDF),
    ("PDFs", _PDF),
    ("URL", {"en-url1"}),
    ("ID", {"en-id"}),
    # English words
    ("invoices", {"en-inv1", "en-pdf1"}),
    ("password", {"en-pw1", "en-pw2"}),
    ("printers", {"en-print1"}),
    ("password reset", {"en-pw1"}),
    # Arabic broken and sound plurals of support vocabulary
    ("عميل", _CUSTOMER_AR),
    ("عملاء", _CUSTOMER_AR),
    ("العملاء", _CUSTOMER_AR),
    ("مشكلة", _PROBLEM),
    ("مشاكل", _PROBLEM),
    ("مشكلات", _PROBLEM),
    ("فاتورة", _INVOICE_AR),
    ("فواتير", _INVOICE_AR),
    ("الفواتير", _INVOICE_AR),
    ("جهاز", _DEVICE),
    ("أجهزة", _DEVICE),
    ("اجهزة", _DEVICE),
    ("رسالة", _MESSAGE),
    ("رسائل", _MESSAGE),
    ("طلب", _REQUEST_AR),
    ("طلبات", _REQUEST_AR),
    ("حساب", _ACCOUNT),
    ("حسابات", _ACCOUNT),
    ("ملف", _FILE_AR),
    ("ملفات", _FILE_AR),
    ("خدمة", _SERVICE),
    ("خدمات", _SERVICE),
    ("شبكة", _NETWORK),
    ("شبكات", _NETWORK),
    ("كلمة", _WORD_AR),
    ("كلمات المرور", _WORD_AR),
    ("موظف", _EMPLOYEE),
    ("موظفين", _EMPLOYEE),
    ("الموظفون", _EMPLOYEE),
    ("مستخدم", _USER_AR),
    ("المستخدمين", _USER_AR),
    ("خطأ", _ERROR),
    ("أخطاء", _ERROR),
    ("تقرير", _REPORT_AR),
    ("تقارير", _REPORT_AR),
    ("برنامج", _PROGRAM_AR),
    ("برامج", _PROGRAM_AR),
    ("شكاوى", {"ar-cl1", "ar-cl5"}),
    ("تذكرة", {"ar-tkt", "ar-file1"}),
    ("التذاكر", {"ar-tkt", "ar-file1"}),
    ("سؤال", _QUESTION_AR),
    ("أسئلة", _QUESTION_AR),
    # Arabic multi-word
    ("رسالة خطأ", {"ar-cl2", "ar-msg1"}),
    ("خدمة العملاء", {"ar-cl1"}),
    ("فواتير العملاء", set()),
]

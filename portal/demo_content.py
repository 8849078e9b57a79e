"""Multilingual (en/fa/ar) sample cases, contacts and accounts for the Casework demo seeder."""

from __future__ import annotations

SCENARIOS = [
    # ------------------------------------------------------------------ English
    {
        "language": "en",
        "category": "billing",
        "subject": "Charged twice for March subscription",
        "description": (
            "Hi, our company card was charged twice for the March Casework Cloud subscription: "
            "two identical charges of $480 on the 3rd. I can see both invoices (INV-20931 and "
            "INV-20932) in the billing portal. Could you please refund the duplicate and confirm "
            "which invoice we should keep for our records?"
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "Hi, thanks for flagging this and sorry for the trouble. I've confirmed the second "
                    "charge was a duplicate caused by a payment gateway retry. I've voided INV-20932 and "
                    "issued a refund; it should appear on your statement within 5-7 business days."
                ),
            },
            {
                "author": "customer",
                "body": "Great, thanks. Will INV-20931 stay as the valid invoice for March?",
            },
            {
                "author": "agent",
                "body": (
                    "Yes, INV-20931 is the valid invoice for March. I've also added a note to your "
                    "account so your finance team can see why the other one was voided."
                ),
            },
        ],
        "note": (
            "Gateway logs show a retry after a 504 timeout that created the second charge. Refund "
            "issued; escalating to billing engineering if we see another duplicate this week."
        ),
    },
    {
        "language": "en",
        "category": "technical",
        "subject": "Printer driver broken after Casework desktop update",
        "description": (
            "After yesterday's Casework Cloud desktop update (version 5.2), nobody in our office can "
            "print case summaries. The print dialog opens, but jobs sit in the queue with an "
            "'Error - Printing' status and then disappear. We use a Brother HL-L6200 on Windows 10, "
            "and printing from other applications still works."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "Thanks for the details. Version 5.2 ships a new print module that has trouble with "
                    "some Brother PCL drivers. As a workaround, could you switch the printer to the "
                    "'Brother Universal Printer' driver and try again?"
                ),
            },
            {
                "author": "customer",
                "body": (
                    "Switching to the universal driver worked on my machine. Do I need to do this on "
                    "all 14 workstations?"
                ),
            },
            {
                "author": "agent",
                "body": (
                    "For now, yes, or your IT team can push the driver change through Group Policy. "
                    "Version 5.2.1 with a proper fix is due next week, after which you can switch back "
                    "to the original driver."
                ),
            },
        ],
        "note": (
            "Reproduced on HL-L6200 with PCL6 driver 1.8. Linked to the known print module bug; "
            "customer added to the notification list for the 5.2.1 release."
        ),
    },
    {
        "language": "en",
        "category": "account",
        "subject": "Locked out after password reset",
        "description": (
            "I reset my password this morning and now every login attempt says 'Account temporarily "
            "locked'. I've waited over an hour and it still won't let me in. I'm the only admin on "
            "our account, so nobody else can unlock me."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "Sorry you're stuck. The lock was triggered by several failed attempts using a "
                    "saved password in your browser right after the reset. I've cleared the lock; "
                    "please remove the saved password from your browser before signing in again."
                ),
            },
            {
                "author": "customer",
                "body": "That was it, my browser kept autofilling the old password. I'm back in now.",
            },
            {
                "author": "agent",
                "body": (
                    "Glad to hear it. Since you're the only admin, we'd recommend adding a second "
                    "admin so someone can help if this happens again."
                ),
            },
        ],
        "note": (
            "Auth logs show 11 failed attempts from the same IP within 2 minutes of the reset, "
            "consistent with stale autofill. Lock cleared manually; no sign of credential stuffing."
        ),
    },
    {
        "language": "en",
        "category": "shipping",
        "subject": "Hardware security keys delayed in transit",
        "description": (
            "We ordered 25 hardware security keys on the 2nd for our single sign-on rollout, and the "
            "confirmation promised delivery within 3 business days. The tracking page has shown "
            "'Label created' for over a week. Our rollout is scheduled for Monday, so we really need "
            "to know whether they'll arrive in time."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "Hi, I'm sorry about the delay. I checked with our fulfillment team and the order "
                    "was held because the shipping address was missing a suite number. Could you "
                    "confirm the full delivery address?"
                ),
            },
            {
                "author": "customer",
                "body": "It's Suite 400, 1200 Market Street. Please keep the same contact name on the order.",
            },
            {
                "author": "agent",
                "body": (
                    "Thanks. The address has been updated and the keys shipped today by overnight "
                    "courier at no extra cost. You'll receive a new tracking number by email shortly."
                ),
            },
        ],
        "note": (
            "Address validation flagged the order but nobody followed up. Upgraded to overnight "
            "shipping as goodwill; asked fulfillment to add an alert for orders held over 48 hours."
        ),
    },
    {
        "language": "en",
        "category": "technical",
        "subject": "VPN disconnects every 10 minutes",
        "description": (
            "Since Monday, our remote staff using the Casework Secure Connect VPN get disconnected "
            "roughly every 10 minutes. Reconnecting works, but they lose any case notes they were in "
            "the middle of saving. It happens on both Windows and macOS, on home networks and on "
            "mobile hotspots."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "Thanks for reporting this. Could you send us the client version and a diagnostics "
                    "bundle from one affected laptop (Help > Export diagnostics)?"
                ),
            },
            {
                "author": "customer",
                "body": "Client version is 4.8.1. I've attached diagnostics from two laptops.",
            },
            {
                "author": "agent",
                "body": (
                    "Thank you, that helped. A configuration change on our gateway reduced the idle "
                    "session timeout. We've reverted it, so connections should stay up now. Please let "
                    "us know if anyone is still being disconnected."
                ),
            },
            {
                "author": "customer",
                "body": "No drops all afternoon. Thanks for the quick fix!",
            },
        ],
        "note": (
            "Gateway idle timeout was set to 600s in Monday's config push. Reverted to 8h and raised "
            "with infrastructure to add a config diff review before deploys."
        ),
    },
    {
        "language": "en",
        "category": "technical",
        "subject": "Attachments missing from synced customer emails",
        "description": (
            "When customers reply to a case by email, the message text shows up in Casework Cloud but "
            "the attachments are missing. This started after we moved our mailbox to Microsoft 365 "
            "last week. Our agents now have to ask customers to re-upload screenshots through the "
            "portal, which is frustrating for everyone."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "Thanks for letting us know. When you migrated, did you reconnect the mailbox using "
                    "the Microsoft 365 connector, or is it still on the older IMAP connection?"
                ),
            },
            {
                "author": "customer",
                "body": "I think it's still set up as IMAP, just with the new server address.",
            },
            {
                "author": "agent",
                "body": (
                    "That explains it: Microsoft 365 throttles attachment downloads over IMAP for some "
                    "tenants. Please go to Settings > Channels > Email, remove the IMAP connection and "
                    "add the mailbox again with the Microsoft 365 connector. Attachments on new "
                    "messages will then sync normally."
                ),
            },
            {
                "author": "customer",
                "body": "Done, and the last two replies came through with their attachments. Thanks!",
            },
        ],
        "note": (
            "Customer stayed on legacy IMAP after migrating to M365; attachment fetches returned "
            "throttling errors. Suggest showing a warning banner when the IMAP host is an M365 server."
        ),
    },
    {
        "language": "en",
        "category": "billing",
        "subject": "Add VAT number and registered address to invoices",
        "description": (
            "Our accounts team can't process your invoices because they don't show our VAT "
            "registration number. Could you add GB123456789 to our billing profile and reissue the "
            "invoices for January and February? The registered address should read "
            "'Globex Ltd, 14 Harbour Road, Bristol'."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "Thanks, I've added the VAT number and registered address to your billing profile. "
                    "The reissued invoices for January and February are now available under "
                    "Billing > Invoices."
                ),
            },
            {
                "author": "customer",
                "body": "Thank you. Will future invoices include the VAT number automatically?",
            },
            {
                "author": "agent",
                "body": (
                    "Yes, every invoice from now on will include it. If your accounts team would like "
                    "copies sent to a specific email address, just let us know."
                ),
            },
        ],
        "note": (
            "Billing profile updated and two invoices reissued under new numbers; originals voided. "
            "The tax field should be mandatory for UK accounts, so worth checking why it was blank at "
            "onboarding."
        ),
    },
    {
        "language": "en",
        "category": "general",
        "subject": "Full data export before contract renewal",
        "description": (
            "Our contract renews at the end of next month, and our compliance team has asked for a "
            "full export of our case history before we sign. Is there a way to export all cases, "
            "including internal notes and attachments? We'd prefer a format we can load into our own "
            "archive."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "Hi, yes. Admins can request a full export from Settings > Data > Export. It "
                    "includes cases, public replies, internal notes and attachments, delivered as a ZIP "
                    "file with JSON and CSV data."
                ),
            },
            {
                "author": "customer",
                "body": "Perfect. Roughly how long does it take for an account with about 60,000 cases?",
            },
            {
                "author": "agent",
                "body": (
                    "For that size it usually takes 2-4 hours. You'll get an email with a download link "
                    "that stays valid for 7 days."
                ),
            },
        ],
        "note": (
            "Export itself is routine, but the customer is evaluating renewal. Let the account manager "
            "know compliance is involved in case they want to schedule a check-in."
        ),
    },
    # ------------------------------------------------------------------ Persian
    {
        "language": "fa",
        "category": "billing",
        "subject": "مبلغ فاکتور اسفند دو بار از حساب ما کسر شده",
        "description": (
            "سلام، امروز صورت‌حساب بانکی را بررسی کردم و دیدم مبلغ اشتراک Casework Cloud برای اسفند "
            "دو بار برداشت شده است. در پنل کاربری هم دو فاکتور با شماره‌های متفاوت ولی مبلغ یکسان "
            "می‌بینم. لطفاً یکی از آن‌ها را باطل کنید و مبلغ اضافه را برگردانید."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "سلام، از اطلاع‌رسانی شما ممنونیم. بررسی کردیم و پرداخت دوم به دلیل خطای درگاه "
                    "پرداخت تکرار شده بود. فاکتور دوم باطل شد و مبلغ آن ظرف پنج تا هفت روز کاری به "
                    "کارت شما برمی‌گردد."
                ),
            },
            {
                "author": "customer",
                "body": "ممنون از پیگیری سریع‌تان. آیا فاکتور اصلاح‌شده را هم برایم ایمیل می‌کنید؟",
            },
            {
                "author": "agent",
                "body": (
                    "بله، نسخهٔ اصلاح‌شده همین الان به ایمیل واحد مالی شما ارسال شد. اگر تا یک هفته "
                    "مبلغ برنگشت، در همین درخواست به ما خبر دهید."
                ),
            },
        ],
        "note": (
            "تراکنش تکراری در لاگ درگاه پرداخت دیده شد و بازپرداخت ثبت شد. اگر مشتری دیگری هم همین "
            "مشکل را گزارش داد، موضوع به تیم مالی ارجاع شود."
        ),
    },
    {
        "language": "fa",
        "category": "account",
        "subject": "ایمیل بازیابی رمز عبور دریافت نمی‌شود",
        "description": (
            "رمز عبورم را فراموش کرده‌ام و چند بار روی «فراموشی رمز عبور» زدم، اما هیچ ایمیلی "
            "دریافت نکردم. پوشهٔ هرزنامه را هم نگاه کردم و چیزی نبود. فردا جلسه دارم و باید به "
            "پرونده‌ها دسترسی داشته باشم."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "سلام، متأسفیم که با این مشکل روبه‌رو شدید. به نظر می‌رسد سرور ایمیل سازمان شما "
                    "پیام‌های ما را مسدود می‌کند. لطفاً از مدیر شبکه بخواهید دامنهٔ ما را در فهرست "
                    "مجاز قرار دهد. در این فاصله یک لینک موقت بازنشانی از طریق پیامک برایتان فرستادیم."
                ),
            },
            {
                "author": "customer",
                "body": "لینک را گرفتم و رمز عبور جدید را تنظیم کردم. خیلی ممنون!",
            },
            {
                "author": "agent",
                "body": (
                    "خواهش می‌کنم. پیشنهاد می‌کنیم ورود دومرحله‌ای را هم فعال کنید تا حسابتان "
                    "امن‌تر شود."
                ),
            },
        ],
        "note": (
            "لاگ ارسال ایمیل نشان می‌دهد سرور مقصد پیام‌ها را با خطای ۵۵۰ رد کرده است. لینک "
            "بازنشانی با پیامک ارسال شد؛ مشکل از سمت سرور ایمیل مشتری است."
        ),
    },
    {
        "language": "fa",
        "category": "technical",
        "subject": "نرم‌افزار بعد از به‌روزرسانی باز نمی‌شود",
        "description": (
            "از دیروز که نسخهٔ جدید نرم‌افزار Casework Cloud روی ویندوز نصب شد، برنامه تا صفحهٔ "
            "بارگذاری می‌آید و بعد بسته می‌شود. روی سه سیستم دیگر در دفتر هم همین اتفاق افتاده "
            "است. کار تیم ما کاملاً متوقف شده."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "سلام، ممنون که گزارش دادید. لطفاً فایل گزارش خطا را از پوشهٔ logs در محل نصب "
                    "برنامه برای ما بفرستید تا علت را دقیق‌تر بررسی کنیم."
                ),
            },
            {
                "author": "customer",
                "body": "فایل را پیوست کردم. ضمناً آنتی‌ویروس ما هم اخیراً به‌روز شده است.",
            },
            {
                "author": "agent",
                "body": (
                    "ممنون، علت پیدا شد: آنتی‌ویروس فایل اجرایی جدید را قرنطینه می‌کند. لطفاً پوشهٔ "
                    "نصب Casework را به فهرست استثناها اضافه کنید. در نسخهٔ بعدی این مشکل از سمت ما "
                    "هم برطرف می‌شود."
                ),
            },
        ],
        "note": (
            "مشکل شناخته‌شده با آنتی‌ویروس است و به باگ مربوط در تیم توسعه لینک شد. اگر بعد از "
            "افزودن استثنا حل نشد، یک جلسهٔ ریموت هماهنگ شود."
        ),
    },
    {
        "language": "fa",
        "category": "shipping",
        "subject": "مرسولهٔ توکن‌های سخت‌افزاری هنوز نرسیده است",
        "description": (
            "دو هفته پیش پنج توکن سخت‌افزاری برای ورود امن سفارش دادیم و طبق ایمیل تأیید قرار بود "
            "ظرف سه روز کاری تحویل شود. وضعیت کد رهگیری از پنج روز پیش روی «در حال پردازش در انبار» "
            "مانده است. لطفاً وضعیت سفارش را بررسی کنید."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "سلام، بابت تأخیر پوزش می‌خواهیم. با انبار تماس گرفتیم؛ بسته به دلیل ناقص بودن "
                    "آدرس ثبت‌شده متوقف شده بود. لطفاً کد پستی و شمارهٔ تماس گیرنده را تأیید کنید."
                ),
            },
            {
                "author": "customer",
                "body": "کد پستی ۱۴۳۵۶۷۸۹۱۲ است و شمارهٔ گیرنده همان شمارهٔ خودم است.",
            },
            {
                "author": "agent",
                "body": (
                    "آدرس اصلاح شد و بسته امروز تحویل پست شد. کد رهگیری جدید هم برایتان پیامک شد."
                ),
            },
        ],
        "note": (
            "آدرس سفارش بدون کد پستی ثبت شده بود. فرم سفارش باید این فیلد را اجباری کند؛ به تیم "
            "محصول گزارش دادم."
        ),
    },
    {
        "language": "fa",
        "category": "technical",
        "subject": "چاپگر بعد از نصب درایور جدید چاپ نمی‌کند",
        "description": (
            "بعد از نصب درایور چاپگری که همراه ابزار چاپ Casework ارائه شده، هیچ برگه‌ای چاپ "
            "نمی‌شود و صف چاپ روی «خطا» می‌ماند. قبلاً با همین چاپگر HP مشکلی نداشتیم. امروز باید "
            "چند قرارداد را چاپ کنیم."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "سلام، لطفاً مدل دقیق چاپگر و نسخهٔ ویندوز را بفرمایید. فعلاً می‌توانید از "
                    "تنظیمات دستگاه، درایور قبلی را برگردانید تا کارتان متوقف نشود."
                ),
            },
            {
                "author": "customer",
                "body": "مدل LaserJet M404 است و ویندوز ۱۱ داریم. درایور قبلی را برگرداندم و چاپ انجام شد.",
            },
            {
                "author": "agent",
                "body": (
                    "ممنون از اطلاعاتتان. درایور نسخهٔ ۳٫۲ با این مدل ناسازگار است و نسخهٔ اصلاحی "
                    "هفتهٔ آینده منتشر می‌شود. تا آن زمان لطفاً همان درایور قبلی را نگه دارید."
                ),
            },
        ],
        "note": (
            "ناسازگاری درایور ۳٫۲ با سری M404 تأیید شد. مشتری را به فهرست اطلاع‌رسانی انتشار نسخهٔ "
            "اصلاحی اضافه کردم."
        ),
    },
    {
        "language": "fa",
        "category": "technical",
        "subject": "همگام‌سازی ایمیل در برنامهٔ موبایل متوقف شده است",
        "description": (
            "از سه روز پیش ایمیل‌های جدید در برنامهٔ موبایل Casework نمایش داده نمی‌شوند، ولی در "
            "نسخهٔ وب همه چیز درست است. برنامه را حذف و دوباره نصب کردم ولی فایده‌ای نداشت. گوشی من "
            "اندروید ۱۴ است."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "سلام، لطفاً در برنامه به بخش تنظیمات و سپس حساب‌ها بروید و گزینهٔ «ورود مجدد» را "
                    "بزنید. آیا اخیراً رمز عبور ایمیل سازمانی خود را تغییر داده‌اید؟"
                ),
            },
            {
                "author": "customer",
                "body": "بله، هفتهٔ پیش رمز عبور را عوض کردم. بعد از ورود مجدد، ایمیل‌ها همگام شدند.",
            },
            {
                "author": "agent",
                "body": (
                    "عالی است. درخواست را می‌بندیم؛ اگر دوباره مشکلی پیش آمد، همین‌جا پاسخ دهید."
                ),
            },
        ],
        "note": (
            "توکن همگام‌سازی پس از تغییر رمز عبور منقضی شده بود. برنامهٔ موبایل باید در این حالت "
            "پیام خطای واضحی نشان دهد؛ پیشنهاد برای تیم محصول ارسال شد."
        ),
    },
    {
        "language": "fa",
        "category": "account",
        "subject": "امکان افزودن کاربر جدید به حساب سازمانی وجود ندارد",
        "description": (
            "دو همکار جدید به تیم ما اضافه شده‌اند و می‌خواهم برایشان حساب کاربری بسازم. اما در "
            "پنل مدیریت، دکمهٔ «دعوت کاربر» غیرفعال است. آیا سقف تعداد کاربران ما پر شده است؟"
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "سلام، بله. اشتراک فعلی شما حداکثر ده کاربر را پشتیبانی می‌کند و هر ده جایگاه در "
                    "حال استفاده است. می‌توانید کاربران غیرفعال را حذف کنید یا اشتراک را به طرح "
                    "استاندارد ارتقا دهید."
                ),
            },
            {
                "author": "customer",
                "body": "دو نفر از همکاران سابق هنوز در فهرست بودند. حذفشان کردم و حالا دکمه فعال شده است.",
            },
        ],
        "note": (
            "سقف جایگاه‌های طرح پایه پر شده بود. در تماس بعدی، ارتقا به طرح استاندارد با تخفیف "
            "سالانه پیشنهاد شود."
        ),
    },
    {
        "language": "fa",
        "category": "general",
        "subject": "درخواست جلسهٔ آموزشی برای کارشناسان جدید",
        "description": (
            "ما اخیراً شش کارشناس جدید استخدام کرده‌ایم که با Casework Cloud آشنا نیستند. آیا امکان "
            "برگزاری یک جلسهٔ آموزشی آنلاین وجود دارد؟ ترجیح ما صبح‌های یکشنبه یا دوشنبه است."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "سلام، حتماً. جلسات آموزشی برای مشتریان طرح ویژه رایگان است. آیا دوشنبهٔ آینده "
                    "ساعت ۱۰ صبح برایتان مناسب است؟"
                ),
            },
            {
                "author": "customer",
                "body": "بله، عالی است. لطفاً لینک جلسه را برای من و مدیر تیم بفرستید.",
            },
            {
                "author": "agent",
                "body": (
                    "دعوت‌نامه برای هر دو نفر ارسال شد. فیلم ضبط‌شدهٔ جلسه هم بعداً در اختیارتان "
                    "قرار می‌گیرد."
                ),
            },
        ],
        "note": (
            "جلسهٔ آموزشی در تقویم تیم موفقیت مشتری ثبت شد. مشتری طرح ویژه دارد و هزینه‌ای دریافت "
            "نمی‌شود."
        ),
    },
    # ------------------------------------------------------------------ Arabic
    {
        "language": "ar",
        "category": "billing",
        "subject": "خصم مبلغ أعلى من قيمة الاشتراك",
        "description": (
            "مرحباً، لاحظت أن المبلغ المخصوم من بطاقتنا هذا الشهر أعلى بنحو ثلاثين بالمئة من قيمة "
            "اشتراكنا المعتاد في Casework Cloud. لم نضف مستخدمين جدداً ولم نغيّر الباقة. أرجو توضيح "
            "سبب هذا الفرق."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "مرحباً، شكراً لتواصلك معنا. بعد مراجعة الحساب تبيّن أن الخصم الترويجي الممنوح لكم "
                    "في السنة الأولى انتهى في بداية هذا الشهر، ولذلك عادت الفاتورة إلى السعر الأساسي."
                ),
            },
            {
                "author": "customer",
                "body": "لم يصلنا أي إشعار بانتهاء الخصم. هل يمكن تمديده؟",
            },
            {
                "author": "agent",
                "body": (
                    "نعتذر عن عدم إرسال الإشعار. تمت الموافقة على تمديد الخصم ثلاثة أشهر إضافية، "
                    "وستظهر التسوية في الفاتورة القادمة."
                ),
            },
        ],
        "note": (
            "لم تُرسل رسالة التنبيه بانتهاء العرض الترويجي بسبب خطأ في قالب البريد. وافق مدير "
            "الحسابات على التمديد؛ يجب مراجعة بقية العملاء المتأثرين."
        ),
    },
    {
        "language": "ar",
        "category": "technical",
        "subject": "تعذّر الاتصال بالشبكة الافتراضية الخاصة من الفرع الجديد",
        "description": (
            "افتتحنا فرعاً جديداً في جدة، لكن الموظفين هناك لا يستطيعون الاتصال بشبكة VPN الخاصة "
            "بـ Casework. تظهر رسالة تفيد بأن شهادة الخادم غير موثوقة، بينما يعمل الاتصال بشكل "
            "طبيعي من المقر الرئيسي. جميع الأجهزة تعمل بنظام Windows 11."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "مرحباً، شكراً على التوضيح. هل يستخدم الفرع الجديد جدار حماية يفحص الاتصالات "
                    "المشفّرة؟ هذا النوع من الفحص يستبدل شهادة الخادم بشهادة أخرى."
                ),
            },
            {
                "author": "customer",
                "body": "نعم، قام مزوّد الإنترنت بتركيب جهاز حماية جديد في الفرع الأسبوع الماضي.",
            },
            {
                "author": "agent",
                "body": (
                    "هذا هو السبب على الأرجح. يُرجى استثناء عنوان بوابة VPN من الفحص في إعدادات "
                    "الجهاز، وبعدها سيعمل الاتصال كما في المقر الرئيسي."
                ),
            },
        ],
        "note": (
            "الشهادة الظاهرة لدى العميل صادرة عن جهاز الحماية وليس عن بوابتنا. المشكلة في شبكة "
            "العميل؛ أرسلت له قائمة العناوين المطلوب استثناؤها."
        ),
    },
    {
        "language": "ar",
        "category": "account",
        "subject": "رمز التحقق الثنائي لا يصل عبر الرسائل القصيرة",
        "description": (
            "أحاول تسجيل الدخول إلى حسابي منذ الصباح، لكن رمز التحقق لا يصل إلى هاتفي. تأكدت من أن "
            "الرقم المسجّل صحيح وأن الهاتف يستقبل الرسائل الأخرى بشكل طبيعي. أحتاج إلى الدخول بشكل "
            "عاجل لمتابعة طلبات العملاء."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "مرحباً، نعتذر عن هذا الإزعاج. هناك تأخير حالياً لدى مزوّد الرسائل القصيرة في "
                    "منطقتكم. يمكنك استخدام أحد رموز الاسترداد التي حصلت عليها عند تفعيل التحقق الثنائي."
                ),
            },
            {
                "author": "customer",
                "body": "لا أجد رموز الاسترداد، فماذا أفعل؟",
            },
            {
                "author": "agent",
                "body": (
                    "بعد التحقق من هويتك عبر بريدك الإلكتروني المسجّل، فعّلنا لك التحقق عبر تطبيق "
                    "المصادقة بدلاً من الرسائل القصيرة. ستجد التعليمات في بريدك الآن."
                ),
            },
        ],
        "note": (
            "أبلغ مزوّد الرسائل القصيرة عن عطل إقليمي. تم التحقق من الهوية عبر البريد قبل تغيير "
            "طريقة المصادقة؛ لا حاجة للتصعيد ما لم يتكرر العطل."
        ),
    },
    {
        "language": "ar",
        "category": "shipping",
        "subject": "تأخر شحنة الماسحات الضوئية",
        "description": (
            "طلبنا ثلاثة ماسحات ضوئية للمستندات قبل أسبوعين، وكان من المفترض أن تصل خلال خمسة أيام "
            "عمل. رقم التتبع لا يُظهر أي تحديث منذ مغادرة الشحنة للمستودع. نحتاج إلى الأجهزة قبل "
            "افتتاح الفرع الجديد الأسبوع المقبل."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "مرحباً، تواصلنا مع شركة الشحن وتبيّن أن الشحنة محتجزة في الجمارك بانتظار الفاتورة "
                    "التجارية. سنرسل المستند المطلوب اليوم."
                ),
            },
            {
                "author": "customer",
                "body": "شكراً، هل يمكن تأكيد موعد التسليم المتوقع؟",
            },
            {
                "author": "agent",
                "body": (
                    "تم الإفراج عن الشحنة، ومن المتوقع تسليمها يوم الخميس. وإذا لم تصل قبل الافتتاح "
                    "فسنرسل أجهزة بديلة بالشحن السريع على نفقتنا."
                ),
            },
        ],
        "note": (
            "لم يرفق المستودع الفاتورة التجارية بالشحنة الدولية. تم إبلاغ مشرف المستودع، والمتابعة "
            "يوم الخميس للتأكد من التسليم."
        ),
    },
    {
        "language": "ar",
        "category": "technical",
        "subject": "البريد الإلكتروني لا يتزامن مع صندوق الوارد المشترك",
        "description": (
            "ربطنا صندوق البريد المشترك لفريق الدعم بمنصة Casework Cloud، لكن الرسائل الجديدة لم "
            "تعد تتحول إلى حالات منذ مساء أمس. الرسائل تصل بشكل طبيعي في Outlook، وآخر رسالة تمت "
            "مزامنتها كانت في الساعة السادسة مساءً."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "مرحباً، يبدو أن صلاحية الربط مع خادم البريد قد انتهت. يُرجى من مسؤول النظام لديكم "
                    "الدخول إلى الإعدادات ثم التكاملات وإعادة تفويض الحساب."
                ),
            },
            {
                "author": "customer",
                "body": "أعاد المسؤول التفويض وبدأت الرسائل تظهر الآن. هل ستُستورد الرسائل التي فاتتنا؟",
            },
            {
                "author": "agent",
                "body": (
                    "نعم، تستأنف المزامنة من آخر نقطة توقف، وستظهر جميع الرسائل خلال نصف ساعة تقريباً."
                ),
            },
        ],
        "note": (
            "انتهت صلاحية رمز OAuth بعد تغيير سياسة كلمات المرور لدى العميل. ينبغي إرسال تنبيه "
            "تلقائي قبل انتهاء الصلاحية؛ أضفت تعليقاً على طلب الميزة المفتوح."
        ),
    },
    {
        "language": "ar",
        "category": "billing",
        "subject": "طلب إصدار فاتورة ضريبية باسم الشركة",
        "description": (
            "الفواتير التي تصلنا تحمل اسمي الشخصي بدلاً من اسم الشركة، ولا يقبلها قسم المحاسبة "
            "لدينا. نحتاج إلى إضافة الرقم الضريبي للشركة وعنوانها الرسمي. أرجو إعادة إصدار فواتير "
            "الأشهر الثلاثة الماضية."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "مرحباً، يسعدنا مساعدتك. يُرجى تزويدنا بالاسم القانوني للشركة والرقم الضريبي "
                    "والعنوان كما يظهر في السجل التجاري."
                ),
            },
            {
                "author": "customer",
                "body": (
                    "الاسم: شركة النخبة للتجارة، والرقم الضريبي 300000000000003، والعنوان: الرياض، "
                    "حي العليا."
                ),
            },
            {
                "author": "agent",
                "body": (
                    "تم تحديث بيانات الفوترة وإعادة إصدار الفواتير الثلاث. يمكنك تنزيلها الآن من صفحة "
                    "الفواتير في حسابك."
                ),
            },
        ],
        "note": (
            "حُدّثت بيانات الفوترة وأُعيد إصدار ثلاث فواتير. ستصدر الفواتير القادمة تلقائياً باسم الشركة."
        ),
    },
    {
        "language": "ar",
        "category": "technical",
        "subject": "برنامج تشغيل الطابعة يتوقف أثناء طباعة التقارير",
        "description": (
            "عند طباعة تقارير الحالات من Casework Cloud يتوقف برنامج تشغيل الطابعة وتظهر رسالة تفيد "
            "بأن خدمة الطباعة توقفت عن العمل. يحدث ذلك فقط مع التقارير الطويلة التي تتجاوز عشرين "
            "صفحة. نستخدم طابعة Canon متصلة بشبكة المكتب."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "مرحباً، شكراً على التفاصيل. جرّب تصدير التقرير بصيغة PDF ثم طباعته، وأخبرنا إن "
                    "كانت المشكلة نفسها تظهر."
                ),
            },
            {
                "author": "customer",
                "body": "طباعة ملف PDF تعمل دون مشاكل، لكن ذلك يضيف خطوة إضافية لكل تقرير.",
            },
            {
                "author": "agent",
                "body": (
                    "نتفهم ذلك. المشكلة مرتبطة بحجم الذاكرة المؤقتة في برنامج التشغيل العام، لذا ننصح "
                    "بتثبيت برنامج التشغيل الخاص بطراز الطابعة من موقع الشركة المصنّعة. كما أن الإصدار "
                    "القادم سيرسل التقارير الطويلة إلى الطابعة على دفعات."
                ),
            },
        ],
        "note": (
            "أمكن إعادة إنتاج المشكلة مع برنامج التشغيل العام في التقارير التي تتجاوز 20 صفحة. "
            "مرتبطة بخطأ معروف لدى فريق التطوير؛ لا حاجة للتصعيد."
        ),
    },
    {
        "language": "ar",
        "category": "general",
        "subject": "استفسار عن الترقية إلى الباقة المميزة",
        "description": (
            "نفكر في الترقية من الباقة القياسية إلى الباقة المميزة مع بداية الربع القادم. نريد أن "
            "نعرف هل تشمل الترقية دعماً على مدار الساعة ومدير حساب مخصصاً، وكيف يُحتسب فرق السعر إذا "
            "تمت الترقية في منتصف فترة الاشتراك."
        ),
        "replies": [
            {
                "author": "agent",
                "body": (
                    "مرحباً، نعم، تشمل الباقة المميزة دعماً على مدار الساعة طوال أيام الأسبوع ومدير "
                    "حساب مخصصاً. ويُحتسب فرق السعر بالتناسب مع الأيام المتبقية من فترة الاشتراك."
                ),
            },
            {
                "author": "customer",
                "body": "ممتاز، هل يمكن ترتيب مكالمة مع فريق المبيعات لمناقشة عدد المستخدمين؟",
            },
            {
                "author": "agent",
                "body": (
                    "بالتأكيد، سيتواصل معك أحد مستشاري المبيعات خلال يوم عمل واحد لتحديد موعد مناسب."
                ),
            },
        ],
        "note": (
            "عميل مرشح للترقية بنحو 40 مستخدماً. حُوّل الطلب إلى فريق المبيعات مع ملاحظة أن العميل "
            "يهتم بالدعم على مدار الساعة."
        ),
    },
]

CONTACT_NAMES = {
    "en": [
        "Emily Carter",
        "James Whitfield",
        "Sarah Mitchell",
        "Daniel Brooks",
        "Olivia Bennett",
        "Michael Turner",
        "Hannah Price",
        "Thomas Reed",
        "Grace Holloway",
        "Ryan Foster",
        "Charlotte Hayes",
        "Benjamin Cole",
    ],
    "fa": [
        "مریم احمدی",
        "علی رضایی",
        "زهرا کریمی",
        "محمد حسینی",
        "سارا محمدی",
        "رضا جعفری",
        "فاطمه موسوی",
        "حسین نوری",
        "نگار صادقی",
        "امیر کاظمی",
        "لیلا رحیمی",
        "مهدی شریفی",
    ],
    "ar": [
        "ليلى الحسن",
        "أحمد العلي",
        "فاطمة الزهراني",
        "محمد القحطاني",
        "نور الهاشمي",
        "خالد المنصور",
        "سارة الشمري",
        "يوسف الخطيب",
        "ريم العتيبي",
        "عمر الدوسري",
        "هدى السيد",
        "طارق النجار",
    ],
}

ACCOUNT_NAMES = [
    {"name": "Acme Corporation", "domain": "example.com", "entitlement": "premium", "language": "en"},
    {"name": "Globex Ltd", "domain": "example.org", "entitlement": "standard", "language": "en"},
    {"name": "Initech Solutions", "domain": "initech.example", "entitlement": "basic", "language": "en"},
    {"name": "شرکت فن‌آوران پارس", "domain": "fanavaran-pars.example", "entitlement": "premium", "language": "fa"},
    {"name": "گروه صنعتی آرمان", "domain": "arman-group.example.net", "entitlement": "standard", "language": "fa"},
    {"name": "بازرگانی سپید", "domain": "sepid-trading.example.org", "entitlement": "basic", "language": "fa"},
    {"name": "شركة النخبة للتجارة", "domain": "alnokhba.example", "entitlement": "standard", "language": "ar"},
    {"name": "مجموعة الأفق للحلول الرقمية", "domain": "alofoq.test", "entitlement": "premium", "language": "ar"},
]

# kenes web UI: русский
skip-to-content = К содержанию
nav-label = Главное меню
nav-board = Обстановка
nav-structure = Структура
nav-platform = Платформа
nav-audit = Проверка
nav-peers = Узлы и синхронизация
language = Язык
switch = Сменить
footer = kenes работает без интернета: эта страница говорит только с узлом на этом устройстве.
locked-title = Ключ участника заблокирован
locked-text = Введите пароль ключа этого устройства, чтобы голосовать, предлагать и синхронизироваться.
passphrase = Пароль
unlock = Разблокировать
live-news = Пришли новые события.
reload = Показать
error-title = Не получилось
go-back = Назад
none = Пока нет.
board-title = Обстановка
summary = Итоги
active-strikes = идущих забастовок
strikes = Забастовки
participants = Участники
committees = Комитеты
reports = Сообщения
alerts = Предупреждения
alert-forks =
    { $n ->
        [one] Ключ { $n } участника использован дважды (развилка)
        [few] Ключи { $n } участников использованы дважды (развилки)
       *[other] Ключи { $n } участников использованы дважды (развилки)
    }
alert-changed =
    { $n ->
        [one] { $n } предложение изменило итог после закрытия
        [few] { $n } предложения изменили итог после закрытия
       *[other] { $n } предложений изменили итог после закрытия
    }
alert-late =
    { $n ->
        [one] { $n } операция пришла с опозданием
        [few] { $n } операции пришли с опозданием
       *[other] { $n } операций пришли с опозданием
    }
alert-mine =
    { $n ->
        [one] { $n } ваша операция отклонена
        [few] { $n } ваши операции отклонены
       *[other] { $n } ваших операций отклонены
    }
over-time = Забастовки и участники по дням
chart-label = График: идущие забастовки (столбцы) и участники (линия) по дням
chart-max-people = Больше всего участников за день
no-reports = Сообщений пока нет.
by-area = По местности
by-industry = По отраслям
area = Местность
industry = Отрасль
latest-reports = Последние сообщения
people =
    { $n ->
        [one] { $n } человек
        [few] { $n } человека
       *[other] { $n } человек
    }
kind-strike = Забастовка
kind-rally = Митинг
kind-picket = Пикет
kind-meeting = Собрание
kind-incident = Происшествие
status-planned = запланировано
status-active = идёт
status-suspended = приостановлено
status-ended = завершено
structure-title = Структура федерации
councils = Советы
no-councils = Советов пока нет.
affiliates-count =
    { $n ->
        [one] { $n } комитет
        [few] { $n } комитета
       *[other] { $n } комитетов
    }
delegates = Делегаты
no-seat = делегат не избран
production-committees = Комитеты на предприятиях
territorial-committees = Районные и городские комитеты
advisory-committees = Совещательные органы
members-count =
    { $n ->
        [one] { $n } участник
        [few] { $n } участника
       *[other] { $n } участников
    }
ckind-production = Комитет предприятия
ckind-territorial = Районный комитет
ckind-council = Совет
ckind-advisory = Совещательный орган
leave = Выйти из комитета
join = Вступить в комитет
members = Участники
convenor = Созывающий
candidates-need = Кандидаты (каждому нужно поручительств: { $n })
vouches-count =
    { $n ->
        [one] { $n } поручительство
        [few] { $n } поручительства
       *[other] { $n } поручительств
    }
vouch = Поручиться
vouch-key = Открытый ключ того, за кого вы ручаетесь
seats = Места
committee = Комитет
no-seats = Мест пока нет.
no-seats-held = У этого комитета нет делегата в совете.
proposals = Предложения
open-proposals = Открытые
closed-proposals = Закрытые
closes-at = голосование до { $when }
passed = Принято
failed = Не принято
would-pass = Было бы принято, если закрыть сейчас
would-fail = Не было бы принято, если закрыть сейчас
new-proposal = Новое предложение
proposal-kind = Вид
pkind-decision = Решение
pkind-election = Выборы делегатов
pkind-recall = Отзыв
pkind-mandate = Наказ
pkind-affiliate = Вступление в совет
pkind-accept-affiliation = Приём в совет
pkind-policy = Изменение правил
pkind-removal = Исключение участника
pkind-adopt-demand = Принятие требования
pkind-merge-demands = Слияние требований
pkind-statement = Заявление
title = Заголовок
text = Текст
voting-hours = Время голосования в часах
election-details = Выборы
council = Совет
candidates = Кандидаты
propose = Предложить
demands = Требования
adopted = принято
support = Поддержать
supporters-count =
    { $n ->
        [one] { $n } сторонник
        [few] { $n } сторонника
       *[other] { $n } сторонников
    }
new-demand = Новое требование
category = Категория
cat-wages = Зарплата
cat-jobs = Рабочие места
cat-conditions = Условия труда
cat-unionrights = Профсоюзные права
cat-social = Социальные
cat-political = Политические
cat-other = Другое
put-forward = Выдвинуть
new-report = Новое сообщение
report-kind = Что
status = Состояние
report = Сообщить
yes = За
no = Против
abstain = Воздержаться
block = Вето
electorate = Голосующие
quorum = Кворум
threshold = Порог
threshold-ordinary = простое большинство
threshold-strong = две трети и абсолютное большинство
consensus = консенсус: одно вето отклоняет
rank-candidates = Расставьте кандидатов (избирается { $seats }): первым — лучший
rank-n = Выбор { $n }
cast-vote = Проголосовать
your-vote = Ваш голос
proposed-by = Предложил(а)
election-for = Избирает { $seats } в
live-tally = Текущий подсчёт
result = Итог
changed-after-close = Позднее закрытие принесло новые голоса и изменило этот итог.
elected = Избраны
close-explain = Закрытие подсчитывает голоса. После окончания голосования закрыть может любой, автор — в любое время.
close-proposal = Закрыть и подсчитать
mandate-report = Отчёт о наказах
delegate = Делегат
mandate = Наказ
vote = Голос
deviated = отступил(а)
platform-title = Общая платформа
platform-of = Платформа: { $name }
whole-federation = Вся федерация
show = Показать
export-markdown = Скачать в Markdown
export-json = Скачать в JSON
platform-empty = Ни один комитет ещё не принял требование.
committees-count =
    { $n ->
        [one] { $n } комитет
        [few] { $n } комитета
       *[other] { $n } комитетов
    }
origin = Выдвинул
merged-count =
    { $n ->
        [one] { $n } дубликат влит
        [few] { $n } дубликата влиты
       *[other] { $n } дубликатов влиты
    }
adopted-by = Приняли
audit-title = Проверка
forked-members = Развилки участников
forked-at = подписал(а) две разные операции на одном месте: { $name }
changed-title = Итоги, изменившиеся после закрытия
late-title = Операции, пришедшие с опозданием
rejected-title = Отклонённые операции
op = Операция
author = Автор
kind = Вид
reason = Причина
peers-title = Узлы и синхронизация
this-node = Этот узел
ticket-explain = Передайте этот билет лично участнику, которому доверяете: с ним его узел сможет синхронизироваться с этим.
ticket = Билет
ticket-qr = Билет в виде QR-кода
no-ticket = Синхронизация ещё не запущена (начнётся после разблокировки ключа).
add-peer = Добавить узел
peer-ticket = Их билет
add = Добавить
known-peers = Известные узлы
no-peers = Узлов пока нет: добавьте по билету.
last-sync = Последняя синхронизация
never = никогда
sync-figures = отправлено операций: { $sent }, получено: { $received } ({ $bytesout } / { $bytesin } байт)
files = Файлы
files-explain = Нет сети? Перенесите операции на флешке: скачайте пакет здесь и импортируйте на другом устройстве.
export-bundle = Скачать пакет всех операций ({ $n })
bundle-file = Файл пакета
import = Импортировать
imported = Импортировано: новых { $new }, уже известных { $known }, отклонено { $rejected }
update = Обновить
alert-voided =
    { $n ->
        [one] { $n } операция аннулирована исключением или форком
        [few] { $n } операции аннулированы исключением или форком
       *[other] { $n } операций аннулированы исключением или форком
    }
voided-title = Операции, аннулированные исключением или форком
voided-by-removal = аннулирована исключением «{ $title }» в { $committee }
voided-by-fork = аннулирована: { $name } подписал(а) две разные операции на месте { $seq }, и никто из членов не опирался на эту
voided-by-vouch = аннулирована: { $name } вступил(а) по поручительству, которое аннулировано (исключённого или раздвоившегося члена), и никто из членов не опирался на эту операцию
removed-proposer-title = Исключения, не прошедшие, потому что их автора исключили раньше

## Publication (kenes publish, issue 17): the public site and verify.html.
## Keep this block last; every message starts with publish-.
publish-subtitle = Общая платформа требований, заявления и положение с забастовками
publish-published = Опубликовано { $date }
publish-scope-council = только { $name } и присоединившиеся к нему комитеты
publish-signed = Эта публикация подписана членами федерации. Чтобы проверить подписи, откройте verify.html в этой папке или выполните: kenes verify-publication ПАПКА
publish-signed-single = Этот файл подписан членами федерации. Чтобы проверить его, выполните: kenes verify-publication ФАЙЛ
publish-what-proves = Что доказывают подписи: владельцы ключей из подписей опубликовали именно эти файлы, а каждое заявление было предложено и принято названным комитетом подписанными записями федерации. Подписи не доказывают, кто эти члены, и не подтверждают подсчёт голосов (голоса не публикуются): это проверяет узел члена федерации по своей копии.
publish-languages = Языки
publish-statements = Заявления
publish-no-statements = Публичных заявлений пока нет.
publish-adopted = Принято: { $body }, { $date }
publish-tally = За: { $yes }. Против: { $no }. Воздержались: { $abstain }. Вето: { $block }. С правом голоса: { $electorate }.
publish-proof = Подписанное доказательство: предложение { $proposal }, закрытие { $close }
publish-no-proof = Опубликовано без подписанных предложения и закрытия (ключи подписавших скрыты).
publish-platform = Общая платформа требований
publish-platform-empty = В платформе пока нет требований.
publish-committees =
    { $n ->
        [one] { $n } комитет
        [few] { $n } комитета
       *[other] { $n } комитетов
    }
publish-members =
    { $n ->
        [one] { $n } член комитетов
        [few] { $n } члена комитетов
       *[other] { $n } членов комитетов
    }
publish-supporters =
    { $n ->
        [one] { $n } сторонник
        [few] { $n } сторонника
       *[other] { $n } сторонников
    }
publish-put-forward = Выдвинуто: { $name }
publish-adopting =
    { $n ->
        [one] Принято { $n } комитетом
       *[other] Принято { $n } комитетами
    }
publish-situation = Положение
publish-active-strikes = Идущие забастовки
publish-participants = Участвуют в идущих акциях
publish-no-reports = Сообщений об акциях нет.
publish-by-day = По дням
publish-by-area = По регионам
publish-by-industry = По отраслям
publish-col-day = День
publish-col-area = Регион
publish-col-industry = Отрасль
publish-col-strikes = Идущие забастовки
publish-col-participants = Участвуют
publish-col-committees = Комитеты
publish-col-reports = Сообщения
publish-territorial = (районные и городские комитеты)
publish-data = То же в виде данных
publish-verify = Проверить подписи
publish-signers = Подписали
publish-body-territorial = районный или городской комитет
publish-body-production = комитет предприятия
publish-body-council = совет
publish-body-advisory = совещательный орган
publish-cat-wages = Зарплата
publish-cat-jobs = Рабочие места
publish-cat-conditions = Условия труда
publish-cat-unionrights = Профсоюзные права
publish-cat-social = Социальные вопросы
publish-cat-political = Политические требования
publish-cat-other = Другое
publish-verify-title = Проверка публикации kenes
publish-verify-explain = Выберите файлы из папки публикации (как минимум manifest.json и signatures.json; выберите все, чтобы проверить каждый файл) или публикацию в одном HTML-файле. Ничего не покидает этот компьютер.
publish-verify-choose = Файлы
publish-verify-ok = Подпись верна:
publish-verify-bad = Подпись НЕВЕРНА:
publish-verify-file-ok = не изменён
publish-verify-file-bad = ИЗМЕНЁН
publish-verify-file-missing = не выбран
publish-verify-all-ok = Подписи верны, выбранные файлы не изменены.
publish-verify-failed = Проверка не пройдена: не доверяйте этой публикации.
publish-verify-no-manifest = Среди выбранных файлов нет manifest.json.
publish-verify-note = Эта страница проверяет только подписи и хеши файлов. Принадлежат ли ключи членам федерации, может сказать лишь тот, кто их знает: сравните их с ключами, полученными лично.

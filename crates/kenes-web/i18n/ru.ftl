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
footer = kenes работает без интернета: эта страница обменивается данными только с узлом на этом устройстве.
locked-title = Ключ заблокирован
locked-text = Введите пароль ключа этого устройства, чтобы голосовать, предлагать и синхронизироваться.
passphrase = Пароль
unlock = Разблокировать
live-news = Пришли новые события.
reload = Показать
error-title = Не получилось
go-back = Назад
none = Пока нет.
board-title = Обстановка
summary = Сводка
active-strikes =
    { $n ->
        [one] идущая забастовка
        [few] идущие забастовки
       *[other] идущих забастовок
    }
strikes = Забастовки
participants = Участники
committees = Комитеты
reports = Сообщения
alerts = Предупреждения
alert-forks =
    { $n ->
        [one] У { $n } участника ключ использован дважды (раздвоение ключа)
        [few] У { $n } участников ключи использованы дважды (раздвоение ключа)
       *[other] У { $n } участников ключи использованы дважды (раздвоение ключа)
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
       *[other] { $n } ваших операций отклонено
    }
over-time = Забастовки и участники по дням
chart-label = График: по каждому дню — сколько людей бастует и сколько на митингах в акциях, начавшихся в этот день
no-reports = Сообщений пока нет.
by-area = По регионам
by-industry = По отраслям
area = Регион
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
no-seat = делегата нет
production-committees = Комитеты на предприятиях
territorial-committees = Районные и городские комитеты
advisory-committees = Совещательные органы
members-count =
    { $n ->
        [one] { $n } член
        [few] { $n } члена
       *[other] { $n } членов
    }
ckind-production = Комитет предприятия
ckind-territorial = Районный комитет
ckind-council = Совет
ckind-advisory = Совещательный орган
leave = Выйти из комитета
join = Вступить в комитет
members = Члены комитета
convenor = Организатор
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
pkind-recall = Отзыв делегата
pkind-mandate = Наказ
pkind-affiliate = Вступление в совет
pkind-accept-affiliation = Приём в совет
pkind-policy = Изменение правил
pkind-removal = Исключение из комитета
pkind-adopt-demand = Принятие требования
pkind-merge-demands = Объединение требований
pkind-statement = Заявление
title = Название
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
cat-social = Социальные вопросы
cat-political = Политические требования
cat-other = Другое
put-forward = Выдвинуть
new-report = Новое сообщение
report-kind = Что
report-reach = Кто читает текст
report-reach-federation = Вся федерация (обычно)
report-reach-committee = Только этот комитет (зашифровано)
report-committee-only-kept = Это сообщение только для комитета: то, что вы пишете, зашифровано для него.
status = Состояние
report = Сообщить
yes = За
no = Против
abstain = Воздержаться
block = Вето
electorate = С правом голоса
quorum = Кворум
threshold = Порог
threshold-ordinary = простое большинство
threshold-strong = две трети и абсолютное большинство
consensus = консенсус: одного вето достаточно, чтобы отклонить
rank-candidates = Расставьте кандидатов по порядку (мест: { $seats }): первым — самый желательный
rank-n = Выбор { $n }
cast-vote = Проголосовать
your-vote = Ваш голос
proposed-by = Предложил(а)
# A member whose display name is sealed to committees the reader is not in (issue 14).
member-unnamed = имя вам не открыто
election-for =
    Избирает { $seats ->
        [one] { $seats } делегата
       *[other] { $seats } делегатов
    } в { $council }:
live-tally = Текущий подсчёт
result = Итог
changed-after-close = Более позднее закрытие учло больше голосов и изменило итог.
elected = Избраны
close-explain = Закрытие подсчитывает голоса. После окончания голосования закрыть может любой, автор — в любое время.
close-proposal = Закрыть и подсчитать
mandate-report = Выполнение наказов
delegate = Делегат
mandate = Наказ
vote = Голос
deviated = отступил(а) от наказа
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
        [one] { $n } повтор объединён
        [few] { $n } повтора объединены
       *[other] { $n } повторов объединено
    }
adopted-by = Приняли
audit-title = Проверка
forked-members = Раздвоенные ключи
forked-at = подписал(а) две разные операции под одним номером: { $name }
changed-title = Итоги, изменившиеся после закрытия
late-title = Операции, пришедшие с опозданием
rejected-title = Отклонённые операции
op = Операция
author = Автор
kind = Вид
reason = Причина
peers-title = Узлы и синхронизация
this-node = Этот узел
ticket-explain = Передайте этот код лично тому, кому доверяете: с ним его узел сможет синхронизироваться с вашим.
ticket = Код подключения
ticket-qr = Код подключения в виде QR-кода
no-ticket = Синхронизация ещё не запущена (начнётся после разблокировки ключа).
add-peer = Добавить узел
peer-ticket = Код подключения другого узла
add = Добавить
known-peers = Известные узлы
no-peers = Узлов пока нет: добавьте узел по его коду подключения.
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
        [one] { $n } операция аннулирована исключением или раздвоением ключа
        [few] { $n } операции аннулированы исключением или раздвоением ключа
       *[other] { $n } операций аннулировано исключением или раздвоением ключа
    }
voided-title = Операции, аннулированные исключением или раздвоением ключа
voided-by-removal = аннулирована исключением «{ $title }» в { $committee }
voided-by-fork = аннулирована: { $name } подписал(а) две разные операции под номером { $seq }, и ни один член комитета на неё не опирался
voided-by-vouch = аннулирована: { $name } вступил(а) по поручительству, которое аннулировано (исключённого члена или члена с раздвоенным ключом), и ни один член комитета на эту операцию не опирался
removed-proposer-title = Исключения, не прошедшие, потому что их автора исключили раньше
## Issue 16: the board leads with what needs the member.
needs-you = Ждёт вас
needs-locked = Разблокируйте ключ, чтобы увидеть, что ждёт вашего участия.
needs-nothing = Сейчас от вас ничего не требуется.
needs-votes =
    { $n ->
        [one] { $n } голосование ждёт вашего голоса
        [few] { $n } голосования ждут вашего голоса
       *[other] { $n } голосований ждут вашего голоса
    }
needs-vouches =
    { $n ->
        [one] { $n } кандидат ждёт вашего поручительства
        [few] { $n } кандидата ждут вашего поручительства
       *[other] { $n } кандидатов ждут вашего поручительства
    }
needs-alerts =
    { $n ->
        [one] { $n } новое предупреждение
        [few] { $n } новых предупреждения
       *[other] { $n } новых предупреждений
    }
needs-refused = Ваша операция ({ $kind }) отклонена: { $reason }
needs-voided = Операция аннулирована ({ $kind })
needs-forked = Ключ участника использован дважды:
needs-late = Операция пришла с опозданием ({ $kind })
needs-changed = Позднее закрытие изменило итог
and-more = и ещё { $n }
mark-seen = Отметить как просмотренные
vouches-of = поручительств: { $n } из { $need }
on-strike = бастуют сейчас
at-rallies = на митингах и пикетах сейчас
flagged-title =
    { $n ->
        [one] { $n } сообщение указывает больше { $max } человек: эта цифра не входит в итоги
        [few] { $n } сообщения указывают больше { $max } человек: эти цифры не входят в итоги
       *[other] { $n } сообщений указывают больше { $max } человек: эти цифры не входят в итоги
    }
implausible = { $n } чел. (неправдоподобно: не учтено)
where = Где
not-on-map = (нет на карте)
map-label = Карта Казахстана: кружок на каждом месте, где идёт забастовка или митинг; чем больше людей, тем он больше и темнее
map-legend = Людей:
map-source = Контур: Natural Earth (общественное достояние). Места: справочник kenes.
chart-strikes =
    { $n ->
        [one] { $n } забастовка · { $people } чел.
        [few] { $n } забастовки · { $people } чел.
       *[other] { $n } забастовок · { $people } чел.
    }
chart-rallies =
    { $n ->
        [one] { $n } митинг или пикет · { $people } чел.
        [few] { $n } митинга и пикета · { $people } чел.
       *[other] { $n } митингов и пикетов · { $people } чел.
    }
chart-axis-people = Человек
chart-key-strikes = бастуют
chart-key-rallies = на митингах и пикетах
date-full = { $day } { $month } { $year } г.
month-1 = января
month-2 = февраля
month-3 = марта
month-4 = апреля
month-5 = мая
month-6 = июня
month-7 = июля
month-8 = августа
month-9 = сентября
month-10 = октября
month-11 = ноября
month-12 = декабря
tally-strikes =
    { $n ->
        [one] { $n } забастовка, { $people } чел.
        [few] { $n } забастовки, { $people } чел.
       *[other] { $n } забастовок, { $people } чел.
    }
tally-rallies =
    { $n ->
        [one] { $n } митинг, { $people } чел.
        [few] { $n } митинга, { $people } чел.
       *[other] { $n } митингов, { $people } чел.
    }
tally-quiet =
    { $n ->
        [one] спокойно ({ $n } сообщение)
        [few] спокойно ({ $n } сообщения)
       *[other] спокойно ({ $n } сообщений)
    }
territorial = Районные и городские комитеты
updated = обновлено
began = началось
limit-bytes = Не больше { $max } байт: около { $letters } букв кириллицей или { $max } латиницей.
area-hint = Регион, затем город, через /. Выберите уже известный, чтобы цифры не разъезжались.
participants-hint = Целое число, не больше { $max }.
close-confirm = Я понимаю: закрытие сразу подсчитывает голоса, и итог остаётся в силе.
closed-at = голосование закрыто { $when }
turnout = Явка
turnout-words = проголосовали { $cast } из { $of } ({ $percent }%)
quorum-words = нужно { $needed } из { $of }, пока { $cast }
threshold-ordinary-words = простое большинство: «за» больше, чем «против»
threshold-strong-words = две трети голосов «за» и «против», и «за» — больше половины всех имеющих право голоса
ranking = Порядок кандидатов (метод Шульце)
ballots-counted =
    { $n ->
        [one] По { $n } бюллетеню с порядком кандидатов.
       *[other] По { $n } бюллетеням с порядком кандидатов.
    }
beats = побеждает { $n } из { $of }
pairwise = Попарное сравнение
pairwise-explain = В каждой клетке: сколько поставили кандидата из строки выше кандидата из столбца. Жирным — где побеждает строка.
candidate = Кандидат
done-vouch = Ваше поручительство записано.
done-join = Вы вступили в комитет.
done-leave = Вы вышли из комитета.
done-propose = Ваше предложение открыто для голосования.
done-vote = Ваш голос записан.
done-close = Предложение закрыто, голоса подсчитаны.
done-demand = Ваше требование выдвинуто.
done-support = Ваша поддержка записана.
done-report = Ваше сообщение отправлено.
done-update_report = Сообщение обновлено.
done-add_peer = Узел добавлен.
done-unlock = Ключ разблокирован.
done-mark_seen = Предупреждения отмечены как просмотренные.
## Engine words: op kinds, rejection reasons, tally failures.
op-create-federation = создание федерации
op-profile = профиль
op-create-committee = создание комитета
op-vouch = поручительство
op-join = вступление
op-leave = выход
op-propose = предложение
op-vote = голос
op-close = закрытие
op-demand = требование
op-support = поддержка
op-report = сообщение
op-update-report = обновление сообщения
op-unknown = неизвестный вид
outcome-applied = принята
outcome-rejected = отклонена
outcome-void = аннулирована
outcome-unknown = неизвестный вид (хранится и передаётся дальше)
reject-genesis-only = федерацию может создать только её первая операция
reject-not-federation-member = автор не член федерации
reject-no-such-committee = такого комитета нет
reject-not-member = автор не член комитета
reject-already-member = уже член комитета
reject-already-vouched = поручительство за этого кандидата уже дано
reject-not-enough-vouches = нужно поручительств: { $need }, есть: { $have }
reject-no-such-proposal = в этом комитете нет такого предложения
reject-subject-not-member = исключаемый не член комитета
reject-wrong-ballot = бюллетень не того вида для этого предложения
reject-too-early = до окончания голосования закрыть может только автор
reject-not-a-council = это не совет
reject-not-affiliated = комитет не входит в этот совет
reject-candidate-not-member = каждый кандидат должен быть членом комитета
reject-not-seated = у этого комитета нет такого делегата
reject-no-affiliation-request = этот комитет не просил о вступлении
reject-already-affiliated = уже входит в совет
reject-no-such-demand = такого требования нет
reject-already-adopted = требование уже принято
reject-already-supported = поддержка уже дана
reject-no-such-report = в этом комитете нет такого сообщения
reject-council-membership-is-by-seats = в совет входят только через места делегатов
reject-proposal-closed = предложение уже закрыто
reject-block-outside-consensus = вето учитывается только при консенсусе
reject-affiliation-cycle = такое вступление замкнуло бы советы в круг
failure-no-quorum = нет кворума
failure-no-votes = нет голосов «за» или «против»
failure-threshold = порог не достигнут
failure-no-absolute-majority = нет абсолютного большинства имеющих право голоса
failure-blocked = наложено вето
failure-removed-proposer = прошло бы только с голосами исключённых раньше членов
## Why an action was refused, in the page's language.
field-action = Действие
field-committee = Комитет
field-pubkey = Открытый ключ
field-kind = Вид
field-council = Совет
field-seats = Места
field-candidate = Кандидат
field-title = Название
field-text = Текст
field-hours = Время голосования в часах
field-proposal = Предложение
field-rank = Порядок
field-choice = Голос
field-category = Категория
field-demand = Требование
field-status = Состояние
field-area = Регион
field-participants = Участники
field-report = Сообщение
field-ticket = Код подключения
field-body = Операция
problem-required = Поле «{ $field }» обязательно.
problem-not-an-id = «{ $field }»: это не идентификатор (64 шестнадцатеричные цифры).
problem-not-a-key = «{ $field }»: это не открытый ключ (64 шестнадцатеричные цифры).
problem-not-a-number = «{ $field }»: нужно целое число.
problem-too-large = «{ $field }»: не больше { $max }.
problem-too-long = «{ $field }»: слишком длинно, не больше { $max } байт (около { $letters } букв кириллицей).
problem-malformed = «{ $field }»: недопустимый вид (без управляющих символов; части региона через /).
problem-not-one-of = «{ $value }» не подходит для поля «{ $field }»: { $options }.
problem-not-an-action = «{ $value }»: такого действия нет.
problem-body = Операция была бы неправильной: { $detail }
problem-bad-ticket = Это не код подключения kenes: скопируйте весь текст, начиная с kenes1.
error-locked = Ключ заблокирован: сначала введите пароль.
error-no-committee = Комитета с таким идентификатором здесь нет.
error-no-proposal = Предложения с таким идентификатором здесь нет.
error-no-demand = Требования с таким идентификатором здесь нет.
error-no-report = Сообщения с таким идентификатором здесь нет.
error-no-council = Совета с таким идентификатором здесь нет.
error-no-page = Такой страницы нет.
error-not-a-council = Этот комитет не совет.
error-bad-id = Это не идентификатор (64 шестнадцатеричные цифры).
error-unavailable = Хранилище недоступно: перезапустите kenes.
error-refused = Отклонено: { $reason }.
error-too-many-participants = Отклонено: { $n } участников — больше, чем может указать одно сообщение (не больше { $max }). Проверьте, нет ли лишних нулей.
error-no-standing = Отклонено: за вас должен поручиться член комитета, и нужно импортировать его пакет.
error-never-signs = Отклонено: этим ключом ничего нельзя подписать (недопустимая точка).
error-cannot-seal = Отклонено: этот комитет пока не может шифровать (кто-то из членов не опубликовал ключ шифрования). Текст только для комитета прочла бы вся федерация.
error-empty-committee-only = Отклонено: отчёту только для комитета нужен текст — то, что должен прочесть только комитет. Его последующие обновления останутся такими же закрытыми.
error-behind = Отклонено: эта база отстаёт от файла ключа. Сначала импортируйте пакет с вашей последней операцией, иначе ваш ключ раздвоится.
error-machine = Сбой на этом устройстве: { $detail }
error-wrong-passphrase = Неверный пароль.
error-need-passphrase = Файл ключа зашифрован: введите пароль.
error-too-big = Форма слишком большая: не больше { $max } КБ.
error-malformed-form = Не удалось прочитать форму. Обновите страницу и попробуйте снова.
error-bad-bundle = Этот файл не пакет kenes.
error-sealed-not-for-us = Этот пакет запечатан для членов федерации, и ваш ключ его не открывает.
error-nobody-to-seal = Пока некому запечатать пакет: сначала разблокируйте свой ключ.
error-other-federation = Этот пакет для другой федерации.
error-no-bundle = Выберите файл пакета для импорта.
error-upload-failed = Загрузка не удалась или файл слишком большой.
error-unknown-language = Неизвестный язык: выберите English, Русский или Қазақша.
refusal-foreign-host = Отклонено: эта страница отвечает только по своему адресу.
refusal-foreign-origin = Отклонено: запросы с других сайтов не принимаются.
refusal-no-session = Вход не выполнен: откройте адрес, который напечатал kenes (в нём есть токен).
refusal-no-csrf = Форма устарела: обновите страницу и попробуйте снова.
col-on-strike = Бастуют
col-at-rallies = На митингах

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

## Issue 13: onboarding, my page
nav-me = Я
onboard-title = Добро пожаловать в kenes
onboard-intro = kenes хранит решения вашего комитета на этом устройстве и на устройствах других членов, без интернета. Сначала создайте свою личность: ключ, которым подписывается всё, что вы делаете; он хранится на этом устройстве.
onboard-identity = Создать мою личность
onboard-name = Ваше имя, как его увидят другие члены
onboard-passphrase = Пароль (необязательно)
onboard-passphrase-hint = С паролем ключ хранится зашифрованным: тот, кто заберёт это устройство, не сможет им воспользоваться без пароля. Его нужно вводить при каждом запуске kenes. Если вы его забудете, ключ пропадёт.
onboard-create-identity = Создать мою личность
onboard-hello = Ваша личность готова, { $name }. Теперь вступите в федерацию вашего комитета или создайте новую.
onboard-join = Вступить в федерацию
onboard-join-explain = Покажите свой ключ члену комитета (он может отсканировать код) и попросите его поручиться за вас. Затем вставьте сюда код подключения его узла: федерация будет скопирована на это устройство.
onboard-my-key = Ваш открытый ключ
onboard-my-key-qr = Ваш открытый ключ в виде QR-кода
onboard-ticket = Код подключения узла члена комитета (начинается с kenes1)
onboard-join-button = Вступить
onboard-found = Создать новую федерацию
onboard-found-explain = Только если у вашего комитета ещё нет федерации: вы станете её первым членом и будете поручаться за остальных.
onboard-federation-name = Название федерации
onboard-found-button = Создать федерацию
onboard-error-machine = На этом устройстве произошёл сбой. Подробности в журнале kenes serve.
onboard-error-no-key = Сначала создайте или разблокируйте свою личность.
onboard-error-name = Имя должно занимать от 1 до 200 байт, в одну строку.
onboard-error-passphrase-long = Пароль слишком длинный (не больше 1024 байт).
onboard-error-key-exists = У этого устройства уже есть личность.
onboard-error-passphrase = Неверный пароль.
onboard-error-found = Не удалось создать федерацию здесь.
onboard-error-ticket = Это не код подключения: скопируйте его целиком, начиная с kenes1.
onboard-error-not-a-member = Ответивший узел не член федерации, которую он прислал. Ничего не сохранено.
onboard-error-not-vouched = В полученной федерации никто за вас не поручился. Ничего не сохранено: попросите члена комитета поручиться за ваш ключ и попробуйте снова.
onboard-error-held = Эта федерация уже есть на этом устройстве.
onboard-error-refused = Узел вам отказал: там за ваш ключ ещё никто не поручился. Покажите ключ члену комитета и попробуйте снова.
onboard-error-unreachable = Узел недоступен: проверьте, что он работает и вы в одной сети, или попросите новый код.
me-title = Я
me-key-explain = Этот ключ нужен тому, кто за вас поручается: дайте ему отсканировать код или скопировать текст.
me-name = Отображаемое имя
me-name-button = Изменить имя
me-vouch = Поручиться за человека
me-vouch-warning = Поручительство позволяет этому человеку вступить в комитет и читать всё в федерации, что видите вы. Поручайтесь только за тех, кого знаете лично, и только за ключ, который они показали вам сами.
me-vouch-none = Поручаться можно, когда вы член комитета.
me-vouch-committee = Комитет
me-vouch-key = Его открытый ключ (64 символа)
done-profile = Имя изменено.
pform-title = Новое предложение: { $name }
pform-choose = Выберите, что предложить.
pform-nothing = Для этого вида здесь пока нечего выбрать: нет совета, места или требования, к которым он относится.
pform-not-member = Вносить предложения здесь могут только члены комитета (а в совете — его делегаты).
pform-title-optional = Заголовок (оставьте пустым, и он будет составлен по сути предложения)
pform-public = Можно публиковать за пределами федерации
pform-vouches = Сколько поручительств нужно кандидату
pform-quorum = Кворум: какая доля имеющих право голоса должна участвовать
pform-consensus = Консенсус: одно вето останавливает решение
pform-member = Кого исключить
pform-applicant = Комитет, который просит о вступлении
pform-seats = Сколько делегатов избрать
pform-seat = Какого делегата отозвать
pform-council-proposal = Предложение совета
pform-choice = Как должны голосовать наши делегаты
pform-demand = Какое требование принять
pform-from = Повторяющееся требование
pform-into = С каким требованием объединить
pform-about-decision = Вопрос, который члены решают голосованием.
pform-about-statement = Текст, который комитет принимает как своё заявление.
pform-about-policy = Изменить правила комитета; то, что вы не меняете, остаётся прежним. Нужны две трети и абсолютное большинство.
pform-about-remove = Исключить члена из комитета. Нужны две трети и абсолютное большинство.
pform-about-affiliate = Попросить о вступлении в совет; затем совет голосует, принять ли комитет.
pform-about-accept = Принять в этот совет комитет, который просит о вступлении.
pform-about-elect = Избрать делегатов в совет из членов комитета, расставив кандидатов по порядку.
pform-about-recall = Отозвать делегата с его места. Нужны две трети и абсолютное большинство.
pform-about-mandate = Дать делегатам комитета наказ, как голосовать по предложению совета.
pform-about-adopt = Включить требование в программу этого комитета.
pform-about-merge = Объединить повторяющееся требование с тем, которое оно повторяет.
cform-link = Новый комитет
cform-title = Новый комитет
cform-not-member = Создавать комитеты могут только члены федерации.
cform-kind-territorial = Районный комитет
cform-kind-production = Комитет предприятия
cform-kind-council-area = Совет территории
cform-kind-council-industry = Совет отрасли
cform-kind-advisory = Совещательный орган
cform-about-territorial = Жители района, города или области.
cform-about-production = Работники предприятия или одного из его участков.
cform-about-council-area = Координирует комитеты территории: его члены — делегаты, которых они избирают.
cform-about-council-industry = Координирует комитеты отрасли: его члены — делегаты, которых они избирают.
cform-about-advisory = Обсуждает и публикует заявления; ни для кого не обязателен.
cform-name = Название
cform-enterprise = Предприятие
cform-site = Участок (необязательно)
cform-industry = Отрасль
cform-create = Создать комитет
done-create_committee = Комитет создан.
problem-too-small = «{ $field }»: не меньше { $min }.
problem-not-a-ratio = «{ $field }»: нужна дробь от 0 до 1, например 1/2.
problem-council-scope = Совет охватывает территорию или отрасль: укажите что-то одно.
field-name = Название
field-enterprise = Предприятие
field-site = Участок
field-industry = Отрасль
field-vouches_required = Сколько поручительств нужно кандидату
field-quorum = Кворум
field-consensus = Консенсус
field-public = Публичное
field-member = Член комитета
field-applicant = Комитет, который просит о вступлении
field-delegate = Делегат
field-seat = Место в совете
field-council_proposal = Предложение совета
field-from = Повторяющееся требование
field-into = С каким требованием объединить

## The hub (issue 13): one laptop, many members' phones
nav-hub = Хаб
hub-title = Хаб
hub-welcome-title = Участие в собрании
hub-welcome-intro = Этот ноутбук обслуживает собрание. Зарегистрируйтесь один раз, указав имя и пароль: ваш ключ хранится на этом ноутбуке, запертый вашим паролем, а на телефоне остаётся только вход, который сам истекает.
hub-signup = Я здесь впервые
hub-signup-button = Зарегистрироваться
hub-passphrase-hint = Не меньше { $min } символов. Восстановить пароль нельзя: запомните его.
hub-passphrase-again = Пароль ещё раз
hub-login = Я уже регистрировался
hub-login-button = Войти
hub-logout = Выйти на этом телефоне
hub-logout-everywhere = Выйти на всех телефонах (если один потерян или отобран)
hub-hello = Здравствуйте, { $name }.
hub-waiting-title = Ожидание поручительства
hub-waiting-text = Покажите этот ключ участнику, который вас знает: когда он за вас поручится, вы сможете вступить в комитет, читать и голосовать.
hub-check-again = Проверить снова
hub-session-ends = Вход истечёт через { $hours } ч { $minutes } мин.
hub-session-explain = Ваш ключ остаётся на хабе, запертый вашим паролем. Выйдите, когда передаёте телефон другому или уходите с собрания.
hub-url = Адрес хаба
hub-url-explain = Повесьте этот код там, где участники смогут его отсканировать. Их телефоны должны быть в сети этого ноутбука.
hub-url-qr = Адрес хаба в виде QR-кода
hub-fingerprint = Отпечаток сертификата (SHA-256)
hub-fingerprint-explain = Телефоны предупредят, что этот сертификат не заверен никаким центром. Участник, который хочет убедиться, что подключился именно к этому ноутбуку, открывает сведения о сертификате в предупреждении или адресной строке браузера и сверяет его отпечаток SHA-256 с этим, целиком, прежде чем войти.
hub-members = Участники, зарегистрированные на этом хабе
hub-members-explain = Вы можете завершить входы участника (например, если телефон потерян). Действовать от его имени вы не можете: ключи заперты их собственными паролями.
hub-members-none = Пока никто не зарегистрировался.
hub-sessions =
    { $n ->
        [one] { $n } открытый вход
        [few] { $n } открытых входа
       *[other] { $n } открытых входов
    }
hub-end = Завершить его входы
hub-ended = Входы участника завершены.
hub-not-vouched = никто не поручился
hub-remove = Удалить из хаба
hub-removed = Участник и его ключ удалены из этого хаба.
hub-error-no-member = В этом хабе нет участника с таким ключом.
hub-error-has-standing = За этого участника поручились: его ключ остаётся в хабе.
hub-sign-in-first = Сначала зарегистрируйтесь или войдите.
hub-error-wrong = Неверное имя или пароль.
hub-error-too-many = Слишком много неверных паролей: подождите минуту и попробуйте снова.
hub-error-too-many-signups = Слишком много регистраций с этого телефона: подождите минуту и попробуйте снова.
hub-error-short = Пароль должен быть не короче { $min } символов.
hub-error-differ = Пароли не совпадают.
hub-error-long = Пароль слишком длинный.
hub-error-name-taken = На этом хабе уже есть участник с таким именем: выберите другое.
hub-error-full = На этом хабе больше нет места для участников.
hub-error-ended = Вход истёк: войдите снова.
hub-error-owner-only = Это может сделать только владелец ноутбука.

## Deliberation (issue 15): threads, comments, suggestions, revisions, announcements

pkind-hide-post = Скрыть запись
op-open-thread = обсуждение
op-comment = комментарий
op-edit-post = правка записи
op-retract-post = отзыв записи
op-suggest = поправка
op-revise = новая редакция предложения
op-announce = объявление
reject-no-such-post = в этом комитете нет такого предложения, требования, сообщения или записи
reject-not-post-author = менять запись может только её автор
reject-not-proposer = менять текст предложения может только его автор
field-target = На что вы отвечаете
field-post = Запись
done-discuss = Обсуждение открыто.
done-comment = Комментарий опубликован.
done-edit_post = Новая формулировка сохранена; прежняя остаётся видна.
done-retract_post = Запись отозвана.
done-suggest = Поправка опубликована под предложением.
done-revise = Текст предложения изменён. Уже поданные голоса остаются как есть.
done-announce = Объявление отправлено всем членам комитета.
post-hidden = Скрыто решением комитета.
post-retracted = Отозвано автором.
post-unreadable = Этот текст нельзя прочитать на этом устройстве.
post-edited = изменено
post-suggestion = поправка
post-history = Прежние формулировки
post-reply = Ответить
post-your-reply = Ваш ответ
post-your-comment = Ваш комментарий
post-send = Опубликовать
post-edit = Изменить или отозвать
post-new-wording = Новая формулировка
post-save = Сохранить новую формулировку
post-retract = Отозвать запись
pages = Страницы
page-previous = ← Новее
page-next = Старше →
page-of = Страница { $page } из { $pages }
discussion-count =
    { $n ->
        [one] Обсуждение: { $n } запись
        [few] Обсуждение: { $n } записи
       *[other] Обсуждение: { $n } записей
    }
suggest-wording = Предложить поправку
suggest-your-wording = Ваша формулировка
revise-proposal = Изменить текст
revise-explain = Уже поданные голоса остаются как есть; предложение покажет, что его изменили после голосования.
revise-new-text = Новый текст
revise-save = Сохранить новый текст
discussions = Обсуждения
discussion-up = Назад
discussion-of-proposal = Обсуждение предложения
discussion-of-demand = Обсуждение требования
discussion-of-report = Обсуждение сообщения
discussion-of-committee = Обсуждения
discussion-of-thread = Обсуждение
discussion-of-comment = Комментарий и ответы
discussion-of-suggestion = Поправка и ответы
discussion-of-announcement = Объявление и ответы
discussions-of = Обсуждения: { $committee }
announcements = Объявления
thread-new = Открыть обсуждение
thread-title = Заголовок
thread-text = Что вы хотите обсудить?
thread-open = Открыть обсуждение
announce-new = Объявление для всех членов
announce-explain = Объявление остаётся наверху доски у каждого члена, пока он его не прочтёт.
announce-text = Объявление
announce-send = Объявить
threads-count =
    { $n ->
        [one] { $n } обсуждение
        [few] { $n } обсуждения
       *[other] { $n } обсуждений
    }
replies-count =
    { $n ->
        [one] { $n } ответ
        [few] { $n } ответа
       *[other] { $n } ответов
    }
revised-times =
    { $n ->
        [one] Текст изменён { $n } раз.
        [few] Текст изменён { $n } раза.
       *[other] Текст изменён { $n } раз.
    }
revised-after-votes = Изменено после голосования: эти голоса поданы за прежний текст и засчитываются как поданные.
voted-on-revision =
    { $n ->
        [0] голосовал(а) за исходный текст
       *[other] голосовал(а) за редакцию { $n }
    }
error-no-post = Предложения, требования, сообщения или записи с таким идентификатором здесь нет.
needs-announcements =
    { $n ->
        [one] { $n } объявление
        [few] { $n } объявления
       *[other] { $n } объявлений
    }
announcement-read = Прочитано
done-read = Отмечено как прочитанное.
discussion-link =
    { $n ->
        [0] Обсудить
       *[other] Обсуждение ({ $n })
    }
pdo-statement-public = После принятия его можно публиковать за пределами федерации.
pdo-policy = Новые правила: для вступления { $vouches } поручительств, кворум { $quorum }, консенсус: { $consensus }.
pdo-remove = Исключает из комитета: { $member }.
pdo-affiliate = Просит о вступлении в совет «{ $council }».
pdo-accept = Принимает в этот совет: { $committee }.
pdo-recall = Отзывает делегата { $member } из совета «{ $council }».
pdo-mandate = Наши делегаты должны голосовать «{ $choice }» по предложению: { $proposal }.
pdo-adopt = Принимает требование: { $demand }.
pdo-merge = Объединяет требование «{ $from }» с требованием «{ $into }».
post-propose-hide = Предложить скрыть
post-hide-explain = Откроется предложение: запись будет скрыта, только если комитет его примет. Ответы останутся.
post-hide-reason = Почему
done-hide_post = Предложение скрыть запись открыто для голосования.
needs-revised = Предложение, за которое вы голосовали, изменено после вашего голоса: голос остаётся как подан; прочтите новый текст.

## Чтение QR-кода с фотографии (задача 13)
scan-photo = Или выберите фотографию QR-кода
scan-read = Прочитать фотографию
scan-done = Прочитано с фотографии: проверьте и нажмите кнопку выше.
scan-error-empty = Фотография не отправлена: сначала выберите её.
scan-error-busy = Сейчас читается другая фотография: попробуйте через минуту.
scan-error-too-large = Фотография слишком большая (не более 12 МБ и 24 мегапикселей).
scan-error-not-an-image = Этот файл не фотография, которую kenes может прочитать (JPEG, PNG или WebP).
scan-error-no-code = На фотографии не найден QR-код: снимите ближе, прямо и в фокусе.
scan-error-unreadable = QR-код найден, но не прочитан: снимите ещё раз, ближе и в фокусе.

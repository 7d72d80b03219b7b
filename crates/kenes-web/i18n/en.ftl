# kenes web UI: English
skip-to-content = Skip to content
nav-label = Main
nav-board = Situation
nav-structure = Structure
nav-platform = Platform
nav-audit = Audit
nav-peers = Peers and sync
language = Language
switch = Switch
footer = kenes works offline: this page talks only to the node on this device.
locked-title = The member key is locked
locked-text = Enter the passphrase of this device's key to vote, propose and sync.
passphrase = Passphrase
unlock = Unlock
live-news = New activity has arrived.
reload = Show it
error-title = That did not work
go-back = Go back
none = None yet.
board-title = Situation board
summary = Summary
active-strikes = active strikes
strikes = Strikes
participants = Participants
committees = Committees
reports = Reports
alerts = Alerts
alert-forks =
    { $n ->
        [one] One member's key was used twice (a fork)
       *[other] { $n } members' keys were used twice (forks)
    }
alert-changed =
    { $n ->
        [one] One proposal changed its outcome after closing
       *[other] { $n } proposals changed their outcome after closing
    }
alert-late =
    { $n ->
        [one] One op arrived late
       *[other] { $n } ops arrived late
    }
alert-mine =
    { $n ->
        [one] One of your ops was refused
       *[other] { $n } of your ops were refused
    }
over-time = Strikes and participants by day
chart-label = Chart: active strikes (bars) and participants (line) by day
chart-max-people = Most participants in a day
no-reports = No reports yet.
by-area = By area
by-industry = By industry
area = Area
industry = Industry
latest-reports = Latest reports
people =
    { $n ->
        [one] one person
       *[other] { $n } people
    }
kind-strike = Strike
kind-rally = Rally
kind-picket = Picket
kind-meeting = Meeting
kind-incident = Incident
status-planned = planned
status-active = active
status-suspended = suspended
status-ended = ended
structure-title = Federation structure
councils = Councils
no-councils = No councils yet.
affiliates-count =
    { $n ->
        [one] one committee
       *[other] { $n } committees
    }
delegates = Delegates
no-seat = no delegate seated
production-committees = Workplace committees
territorial-committees = District and city committees
advisory-committees = Advisory bodies
members-count =
    { $n ->
        [one] one member
       *[other] { $n } members
    }
ckind-production = Workplace committee
ckind-territorial = District committee
ckind-council = Council
ckind-advisory = Advisory body
leave = Leave this committee
join = Join this committee
members = Members
convenor = Convenor
candidates-need = Candidates (each needs { $n } vouches)
vouches-count =
    { $n ->
        [one] one vouch
       *[other] { $n } vouches
    }
vouch = Vouch
vouch-key = Public key of the person you vouch for
seats = Seats
committee = Committee
no-seats = No seats yet.
no-seats-held = This committee has no delegate on a council.
proposals = Proposals
open-proposals = Open
closed-proposals = Closed
closes-at = voting ends { $when }
passed = Passed
failed = Failed
would-pass = Would pass if closed now
would-fail = Would fail if closed now
new-proposal = New proposal
proposal-kind = Kind
pkind-decision = Decision
pkind-election = Election of delegates
pkind-recall = Recall
pkind-mandate = Mandate
pkind-affiliate = Affiliation
pkind-accept-affiliation = Accept affiliation
pkind-policy = Change of rules
pkind-removal = Removal of a member
pkind-adopt-demand = Adopt a demand
pkind-merge-demands = Merge demands
pkind-statement = Statement
title = Title
text = Text
voting-hours = Voting time in hours
election-details = Election
council = Council
candidates = Candidates
propose = Propose
demands = Demands
adopted = adopted
support = Support
supporters-count =
    { $n ->
        [one] one supporter
       *[other] { $n } supporters
    }
new-demand = New demand
category = Category
cat-wages = Wages
cat-jobs = Jobs
cat-conditions = Conditions
cat-unionrights = Union rights
cat-social = Social
cat-political = Political
cat-other = Other
put-forward = Put forward
new-report = New report
report-kind = What
status = Status
report = Report
yes = Yes
no = No
abstain = Abstain
block = Block
electorate = Electorate
quorum = Quorum
threshold = Threshold
threshold-ordinary = simple majority
threshold-strong = two thirds and an absolute majority
consensus = consensus: one block fails it
rank-candidates = Rank the candidates ({ $seats } to elect): first choice first
rank-n = Choice { $n }
cast-vote = Cast vote
your-vote = Your vote
proposed-by = Proposed by
election-for = Elects { $seats } to
live-tally = Live tally
result = Result
changed-after-close = A later close brought more votes and changed this outcome.
elected = Elected
close-explain = Closing counts the votes. Anyone may close after voting ends; the proposer at any time.
close-proposal = Close and count
mandate-report = Mandate report
delegate = Delegate
mandate = Mandate
vote = Vote
deviated = deviated
platform-title = Joint platform
platform-of = Platform of { $name }
whole-federation = Whole federation
show = Show
export-markdown = Download as Markdown
export-json = Download as JSON
platform-empty = No committee has adopted a demand yet.
committees-count =
    { $n ->
        [one] one committee
       *[other] { $n } committees
    }
origin = Put forward by
merged-count =
    { $n ->
        [one] one duplicate merged in
       *[other] { $n } duplicates merged in
    }
adopted-by = Adopted by
audit-title = Audit
forked-members = Forked members
forked-at = signed two different ops at the same place: { $name }
changed-title = Outcomes changed after closing
late-title = Ops that arrived late
rejected-title = Refused ops
op = Op
author = Author
kind = Kind
reason = Reason
peers-title = Peers and sync
this-node = This node
ticket-explain = Give this ticket to a member you trust, in person: with it their node can sync with this one.
ticket = Ticket
ticket-qr = The ticket as a QR code
no-ticket = Sync is not running yet (it starts once the key is unlocked).
add-peer = Add a peer
peer-ticket = Their ticket
add = Add
known-peers = Known peers
no-peers = No peers yet: add one with their ticket.
last-sync = Last sync
never = never
sync-figures = { $sent } ops sent, { $received } received ({ $bytesout } / { $bytesin } bytes)
files = Files
files-explain = No network? Carry the ops on a USB stick: download a bundle here, import it on the other device.
export-bundle = Download a bundle of all { $n } ops
bundle-file = Bundle file
import = Import
imported = Imported: { $new } new, { $known } already known, { $rejected } refused
update = Update
alert-voided =
    { $n ->
        [one] One op was voided by a removal or a fork
       *[other] { $n } ops were voided by removals or forks
    }
voided-title = Ops voided by a removal or a fork
voided-by-removal = voided by the removal “{ $title }” in { $committee }
voided-by-fork = voided: { $name } signed two different ops at seq { $seq } and no member had built on this one
voided-by-vouch = voided: { $name } joined on a vouch that is void (by a removed or forked member), and no member had built on this op
removed-proposer-title = Removals that failed because their proposer was removed first

## Publication (kenes publish, issue 17): the public site and verify.html.
## Keep this block last; every message starts with publish-.
publish-subtitle = Joint platform, statements and the strike situation
publish-published = Published on { $date }
publish-scope-council = only { $name } and its affiliated committees
publish-signed = This publication is signed by members of the federation. To check the signatures, open verify.html in this folder, or run: kenes verify-publication FOLDER
publish-signed-single = This file is signed by members of the federation. To check it, run: kenes verify-publication FILE
publish-what-proves = What the signatures prove: the holders of the keys in the signatures published exactly these files, and each statement was proposed and passed in the named committee by signed operations of the federation. They do not prove who those members are, nor the tally (no vote is published): a member's node checks that against its own copy.
publish-languages = Languages
publish-statements = Statements
publish-no-statements = No public statements yet.
publish-adopted = Adopted by { $body } on { $date }
publish-tally = Yes: { $yes }. No: { $no }. Abstained: { $abstain }. Blocked: { $block }. Entitled to vote: { $electorate }.
publish-proof = Signed proof: proposal { $proposal }, close { $close }
publish-no-proof = Published without the signed proposal and close (the signers' keys are withheld).
publish-platform = Joint platform
publish-platform-empty = No demand is on the platform yet.
publish-committees =
    { $n ->
        [one] { $n } committee
       *[other] { $n } committees
    }
publish-members =
    { $n ->
        [one] { $n } member
       *[other] { $n } members
    }
publish-supporters =
    { $n ->
        [one] { $n } supporter
       *[other] { $n } supporters
    }
publish-put-forward = Put forward by { $name }
publish-adopting =
    { $n ->
        [one] Adopted by { $n } committee
       *[other] Adopted by { $n } committees
    }
publish-situation = Situation
publish-active-strikes = Active strikes
publish-participants = Taking part in active actions
publish-no-reports = No action has been reported.
publish-by-day = By day
publish-by-area = By area
publish-by-industry = By industry
publish-col-day = Day
publish-col-area = Area
publish-col-industry = Industry
publish-col-strikes = Active strikes
publish-col-participants = Taking part
publish-col-committees = Committees
publish-col-reports = Reports
publish-territorial = (district and city committees)
publish-data = The same as data
publish-verify = Check the signatures
publish-signers = Signed by
publish-body-territorial = district or city committee
publish-body-production = workplace committee
publish-body-council = council
publish-body-advisory = advisory body
publish-cat-wages = Wages
publish-cat-jobs = Jobs
publish-cat-conditions = Working conditions
publish-cat-unionrights = Union rights
publish-cat-social = Social
publish-cat-political = Political
publish-cat-other = Other
publish-verify-title = Check a kenes publication
publish-verify-explain = Choose the files of the publication's folder (at least manifest.json and signatures.json; choose them all to check every file), or a publication in one HTML file. Nothing leaves this computer.
publish-verify-choose = Files
publish-verify-ok = Valid signature by
publish-verify-bad = INVALID signature by
publish-verify-file-ok = unchanged
publish-verify-file-bad = CHANGED
publish-verify-file-missing = not chosen
publish-verify-all-ok = The signatures are valid and the chosen files are unchanged.
publish-verify-failed = The check failed: do not trust this publication.
publish-verify-no-manifest = No manifest.json among the chosen files.
publish-verify-note = This page checks only the signatures and the files' hashes. Whether the keys belong to members of the federation only someone who knows them can tell: compare them with keys you received in person.

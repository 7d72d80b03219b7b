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

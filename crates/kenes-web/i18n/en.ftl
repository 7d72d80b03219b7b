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
active-strikes =
    { $n ->
        [one] active strike
       *[other] active strikes
    }
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
chart-label = Chart: for each day, the people on strike and at rallies in the actions that began that day
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
report-reach = Who reads the text
report-reach-federation = The whole federation (the usual)
report-reach-committee = Only this committee (sealed)
report-committee-only-kept = This report is for the committee only: what you write stays sealed to it.
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
# A member whose display name is sealed to committees the reader is not in (issue 14).
member-unnamed = name not shared with you
election-for = Elects { $seats } to { $council }:
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
## Issue 16: the board leads with what needs the member.
needs-you = Needs you
needs-locked = Unlock the member key to see what needs you.
needs-nothing = Nothing needs you right now.
needs-votes =
    { $n ->
        [one] One vote waiting for you
       *[other] { $n } votes waiting for you
    }
needs-vouches =
    { $n ->
        [one] One candidate waiting for your vouch
       *[other] { $n } candidates waiting for your vouch
    }
needs-alerts =
    { $n ->
        [one] One new alert
       *[other] { $n } new alerts
    }
needs-refused = Your { $kind } was refused: { $reason }
needs-voided = An op was voided ({ $kind })
needs-forked = A member's key was used twice:
needs-late = An op arrived late ({ $kind })
needs-changed = A later close changed an outcome
and-more = and { $n } more
mark-seen = Mark these alerts as seen
vouches-of = { $n } of { $need } vouches
on-strike = on strike now
at-rallies = at rallies and pickets now
flagged-title =
    { $n ->
        [one] One report claims more than { $max } people: its figure is left out of every total
       *[other] { $n } reports claim more than { $max } people: their figures are left out of every total
    }
implausible = { $n } people (implausible: not counted)
where = Where
not-on-map = (not on the map)
map-label = Map of Kazakhstan: a circle for each place with an active strike or rally, larger and darker for more people
map-legend = People:
map-source = Outline: Natural Earth (public domain). Places: the kenes gazetteer.
chart-strikes =
    { $n ->
        [one] 1 strike · { $people } people
       *[other] { $n } strikes · { $people } people
    }
chart-rallies =
    { $n ->
        [one] 1 rally or picket · { $people } people
       *[other] { $n } rallies and pickets · { $people } people
    }
chart-axis-people = People
chart-key-strikes = on strike
chart-key-rallies = at rallies and pickets
date-full = { $day } { $month } { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
tally-strikes =
    { $n ->
        [one] 1 strike, { $people } people
       *[other] { $n } strikes, { $people } people
    }
tally-rallies =
    { $n ->
        [one] 1 rally, { $people } people
       *[other] { $n } rallies, { $people } people
    }
tally-quiet =
    { $n ->
        [one] quiet (1 report)
       *[other] quiet ({ $n } reports)
    }
territorial = District and city committees
updated = updated
began = began
limit-bytes = At most { $max } bytes: about { $letters } Cyrillic letters, or { $max } Latin ones.
area-hint = Region, then town, separated by /. Choose a known area to keep the figures together.
participants-hint = A whole number, at most { $max }.
close-confirm = I understand: closing counts the votes now, and the result stands.
closed-at = voting closed { $when }
turnout = Turnout
turnout-words = { $cast } of { $of } voted ({ $percent }%)
quorum-words = { $needed } of { $of } needed, { $cast } so far
threshold-ordinary-words = simple majority: more yes than no
threshold-strong-words = two thirds of yes and no, and yes from more than half of the electorate
ranking = Ranking (Schulze method)
ballots-counted =
    { $n ->
        [one] From one ranked ballot.
       *[other] From { $n } ranked ballots.
    }
beats = beats { $n } of { $of }
pairwise = Pairwise table
pairwise-explain = Each cell: how many ranked the row's candidate above the column's. Bold where the row wins.
candidate = Candidate
done-vouch = Your vouch is recorded.
done-join = You joined the committee.
done-leave = You left the committee.
done-propose = Your proposal is open for voting.
done-vote = Your vote is recorded.
done-close = The proposal is closed and counted.
done-demand = Your demand is put forward.
done-support = Your support is recorded.
done-report = Your report is filed.
done-update_report = The report is updated.
done-add_peer = The peer is added.
done-unlock = The key is unlocked.
done-mark_seen = The alerts are marked as seen.
## Engine words: op kinds, rejection reasons, tally failures.
op-create-federation = create federation
op-profile = profile
op-create-committee = create committee
op-vouch = vouch
op-join = join
op-leave = leave
op-propose = proposal
op-vote = vote
op-close = close
op-demand = demand
op-support = support
op-report = report
op-update-report = report update
op-unknown = unknown kind
outcome-applied = applied
outcome-rejected = refused
outcome-void = void
outcome-unknown = unknown kind (stored and forwarded)
reject-genesis-only = a federation can only be created by its first op
reject-not-federation-member = the author is not a member of the federation
reject-no-such-committee = no such committee
reject-not-member = the author is not a member of the committee
reject-already-member = already a member of the committee
reject-already-vouched = already vouched for this candidate
reject-not-enough-vouches = needs { $need } vouches, has { $have }
reject-no-such-proposal = no such proposal in this committee
reject-subject-not-member = the member to remove is not a member
reject-wrong-ballot = wrong kind of ballot for this proposal
reject-too-early = only the proposer may close before voting ends
reject-not-a-council = not a council
reject-not-affiliated = the committee is not affiliated to that council
reject-candidate-not-member = every candidate must be a member of the committee
reject-not-seated = no such delegate seated for this committee
reject-no-affiliation-request = that committee has not asked to affiliate
reject-already-affiliated = already affiliated
reject-no-such-demand = no such demand
reject-already-adopted = the demand is already adopted
reject-already-supported = already supported
reject-no-such-report = no such report in this committee
reject-council-membership-is-by-seats = council membership is by seats only
reject-proposal-closed = the proposal was already closed
reject-block-outside-consensus = blocks count only in consensus mode
reject-affiliation-cycle = that affiliation would close a cycle of councils
failure-no-quorum = turnout below quorum
failure-no-votes = no yes or no votes
failure-threshold = threshold not reached
failure-no-absolute-majority = no absolute majority of the electorate
failure-blocked = blocked
failure-removed-proposer = passed only with the votes of members removed before it
## Why an action was refused, in the page's language.
field-action = Action
field-committee = Committee
field-pubkey = Public key
field-kind = Kind
field-council = Council
field-seats = Seats
field-candidate = Candidate
field-title = Title
field-text = Text
field-hours = Voting time in hours
field-proposal = Proposal
field-rank = Ranking
field-choice = Vote
field-category = Category
field-demand = Demand
field-status = Status
field-area = Area
field-participants = Participants
field-report = Report
field-ticket = Ticket
field-body = Op
problem-required = “{ $field }” is required.
problem-not-an-id = “{ $field }” is not an id (64 hex digits).
problem-not-a-key = “{ $field }” is not a public key (64 hex digits).
problem-not-a-number = “{ $field }” must be a whole number.
problem-too-large = “{ $field }” must be at most { $max }.
problem-too-long = “{ $field }” is too long: at most { $max } bytes (about { $letters } Cyrillic letters).
problem-malformed = “{ $field }” is not well formed: no control characters, and area parts separated by /.
problem-not-one-of = “{ $value }” is not a choice for “{ $field }”: { $options }.
problem-not-an-action = “{ $value }” is not something this page can do.
problem-body = The op would be malformed: { $detail }
problem-bad-ticket = That is not a kenes ticket: copy the whole text, starting with kenes1.
error-locked = The member key is locked: enter the passphrase first.
error-no-committee = There is no committee with that id here.
error-no-proposal = There is no proposal with that id here.
error-no-demand = There is no demand with that id here.
error-no-report = There is no report with that id here.
error-no-council = There is no council with that id here.
error-no-page = There is no such page.
error-not-a-council = That committee is not a council.
error-bad-id = That is not an id (64 hex digits).
error-unavailable = The store is unavailable: restart kenes.
error-refused = Refused: { $reason }.
error-too-many-participants = Refused: { $n } participants is more than one report may claim (at most { $max }). Check for extra zeros.
error-no-standing = Refused: a member must vouch for you, and you must import their bundle.
error-never-signs = Refused: that key can never sign anything (a small-order or invalid point).
error-cannot-seal = Refused: this committee cannot seal yet (a member has published no encryption key). A text for the committee only would be readable by the whole federation.
error-empty-committee-only = Refused: a report for this committee only needs a text, the words only the committee should read. Its later updates stay as private as it.
error-behind = Refused: this database is behind your key file. Import a bundle that holds your last op first, or acting now would fork your identity.
error-machine = This machine failed: { $detail }
error-wrong-passphrase = Wrong passphrase.
error-need-passphrase = The key file is encrypted: enter its passphrase.
error-too-big = The form is too large: at most { $max } KB.
error-malformed-form = The form could not be read. Reload the page and try again.
error-bad-bundle = That file is not a valid kenes bundle.
error-sealed-not-for-us = That bundle is sealed to the federation's members, and your key does not open it.
error-nobody-to-seal = There is nobody to seal a bundle to yet: unlock your key first.
error-other-federation = That bundle is for another federation.
error-no-bundle = Choose a bundle file to import.
error-upload-failed = The upload failed or is too large.
error-unknown-language = Unknown language: choose English, Русский or Қазақша.
refusal-foreign-host = Refused: this page answers only at its own address.
refusal-foreign-origin = Refused: requests from other sites are not accepted.
refusal-no-session = Not signed in: open the address kenes printed (it holds the token).
refusal-no-csrf = This form is out of date: reload the page and try again.
col-on-strike = On strike
col-at-rallies = At rallies

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

## Issue 13: onboarding, my page
nav-me = Me
onboard-title = Welcome to kenes
onboard-intro = kenes keeps your committee's decisions on this device and the devices of other members, without the internet. First, make your identity: a key that signs what you do, kept on this device.
onboard-identity = Create my identity
onboard-name = Your name, as other members will see it
onboard-passphrase = Passphrase (optional)
onboard-passphrase-hint = With a passphrase, the key is stored encrypted: whoever takes this device cannot use it without the passphrase. You must type it each time kenes starts. If you forget it, the key is lost.
onboard-create-identity = Create my identity
onboard-hello = Your identity is ready, { $name }. Now join your committee's federation, or found a new one.
onboard-join = Join a federation
onboard-join-explain = Show your key to a member of the committee (they can scan the code), and ask them to vouch for you. Then paste the connection code (ticket) of their node here: the federation is copied to this device.
onboard-my-key = Your public key
onboard-my-key-qr = Your public key as a QR code
onboard-ticket = Connection code of a member's node (starts with kenes1)
onboard-join-button = Join
onboard-found = Found a new federation
onboard-found-explain = Only if your committee has no federation yet: you become its first member, and vouch for the others.
onboard-federation-name = Name of the federation
onboard-found-button = Found the federation
onboard-error-machine = Something failed on this device. See the log of kenes serve.
onboard-error-no-key = Create or unlock your identity first.
onboard-error-name = A name must be 1 to 200 bytes, on one line.
onboard-error-passphrase-long = That passphrase is too long (at most 1024 bytes).
onboard-error-key-exists = This device already has an identity.
onboard-error-passphrase = Wrong passphrase.
onboard-error-found = The federation could not be founded here.
onboard-error-ticket = That is not a connection code: copy it whole, starting with kenes1.
onboard-error-not-a-member = The node that answered is not a member of the federation it sent. Nothing was kept.
onboard-error-not-vouched = The federation that arrived does not vouch for you. Nothing was kept: ask a member to vouch for your key, then try again.
onboard-error-held = This device already holds that federation.
onboard-error-refused = The node refused you: nobody has vouched for your key there yet. Show your key to a member, then try again.
onboard-error-unreachable = The node could not be reached: check that it runs and that you are on the same network, or ask for a new code.
me-title = Me
me-key-explain = Whoever vouches for you needs this key: let them scan the code or copy the text.
me-name = Display name
me-name-button = Change my name
me-vouch = Vouch for someone
me-vouch-warning = A vouch lets that person join the committee and read everything in the federation that you can see. Vouch only for someone you know in person, with a key they showed you themselves.
me-vouch-none = You can vouch once you are a member of a committee.
me-vouch-committee = Committee
me-vouch-key = Their public key (64 characters)
done-profile = Your name is changed.
pform-title = New proposal in { $name }
pform-choose = Choose what to propose.
pform-nothing = There is nothing to choose for that kind here yet (no council, seat or demand it could act on).
pform-not-member = Only the committee's members (and a council's delegates) can propose here.
pform-title-optional = Title (leave blank for one that says what it does)
pform-public = May be published outside the federation
pform-vouches = Vouches a candidate needs
pform-quorum = Quorum: share of those entitled to vote who must take part
pform-consensus = Consensus: a single block stops a decision
pform-member = Member to remove
pform-applicant = Committee asking to affiliate
pform-seats = Delegates to elect
pform-seat = Delegate to recall
pform-council-proposal = Council proposal
pform-choice = How our delegates must vote
pform-demand = Demand to adopt
pform-from = Duplicate demand
pform-into = Demand it joins
pform-about-decision = A question the members decide by vote.
pform-about-statement = A text the committee adopts as its statement.
pform-about-policy = Change the committee's rules; what you leave as it is stays. Needs two thirds and an absolute majority.
pform-about-remove = Remove a member from the committee. Needs two thirds and an absolute majority.
pform-about-affiliate = Ask to join a council; the council then votes on accepting this committee.
pform-about-accept = Accept into this council a committee that asked to join it.
pform-about-elect = Elect delegates to a council from the committee's members, by ranking the candidates.
pform-about-recall = Recall a delegate from their seat. Needs two thirds and an absolute majority.
pform-about-mandate = Instruct the committee's delegates how to vote on a council's proposal.
pform-about-adopt = Make a demand part of this committee's platform.
pform-about-merge = Merge a duplicate demand into the one it repeats.
cform-link = New committee
cform-title = New committee
cform-not-member = Only members of the federation can create committees.
cform-kind-territorial = District committee
cform-kind-production = Workplace committee
cform-kind-council-area = Council of an area
cform-kind-council-industry = Council of an industry
cform-kind-advisory = Advisory body
cform-about-territorial = Residents of a district, town or region.
cform-about-production = Workers of an enterprise or of one of its sites.
cform-about-council-area = Coordinates the committees of an area: its members are the delegates they elect.
cform-about-council-industry = Coordinates the committees of an industry: its members are the delegates they elect.
cform-about-advisory = Deliberates and publishes statements; it binds no one.
cform-name = Name
cform-enterprise = Enterprise
cform-site = Site (optional)
cform-industry = Industry
cform-create = Create the committee
done-create_committee = The committee is created.
problem-too-small = “{ $field }” must be at least { $min }.
problem-not-a-ratio = “{ $field }” must be a fraction between 0 and 1, such as 1/2.
problem-council-scope = A council covers an area or an industry: give exactly one.
field-name = Name
field-enterprise = Enterprise
field-site = Site
field-industry = Industry
field-vouches_required = Vouches a candidate needs
field-quorum = Quorum
field-consensus = Consensus
field-public = Public
field-member = Member
field-applicant = Committee asking to affiliate
field-delegate = Delegate
field-seat = Seat
field-council_proposal = Council proposal
field-from = Duplicate demand
field-into = Demand it joins

## The hub (issue 13): one laptop, many members' phones
nav-hub = Hub
hub-title = Hub
hub-welcome-title = Take part in the meeting
hub-welcome-intro = This laptop serves the meeting. Sign up once with a name and a passphrase; your key is kept on this laptop, locked with your passphrase, and your phone keeps nothing but a sign-in that ends by itself.
hub-signup = I am new here
hub-signup-button = Sign up
hub-passphrase-hint = At least { $min } characters. Nobody can recover it: remember it.
hub-passphrase-again = Passphrase again
hub-login = I have signed up before
hub-login-button = Sign in
hub-logout = Sign out on this phone
hub-logout-everywhere = Sign out on every phone (one was lost or taken)
hub-hello = Hello, { $name }.
hub-waiting-title = Waiting for a vouch
hub-waiting-text = Show this key to a member who knows you: once they vouch for you, you can join the committee, read and vote.
hub-check-again = Check again
hub-session-ends = This sign-in ends in { $hours } h { $minutes } min.
hub-session-explain = Your key stays on the hub, locked with your passphrase. Sign out when you hand this phone to someone or leave the meeting.
hub-url = The hub's address
hub-url-explain = Put this code where members can scan it. Their phones must be on this laptop's network.
hub-url-qr = The hub's address as a QR code
hub-fingerprint = Certificate fingerprint (SHA-256)
hub-fingerprint-explain = Phones warn that no authority vouches for this certificate. A member who wants to be sure they reached this laptop opens the certificate's details in the browser's warning or address bar and compares its SHA-256 fingerprint with this one, all of it, before signing in.
hub-members = Members signed up on this hub
hub-members-explain = You can end a member's sessions (a lost phone, say). You cannot act as them: their keys are locked with their own passphrases.
hub-members-none = Nobody has signed up yet.
hub-sessions =
    { $n ->
        [one] { $n } open session
       *[other] { $n } open sessions
    }
hub-end = End their sessions
hub-ended = Their sessions are ended.
hub-not-vouched = never vouched for
hub-remove = Remove from the hub
hub-removed = The member and their key are removed from this hub.
hub-error-no-member = No member of this hub has that key.
hub-error-has-standing = This member has been vouched for: their key stays on the hub.
hub-sign-in-first = Sign up or sign in first.
hub-error-wrong = Wrong name or passphrase.
hub-error-too-many = Too many wrong passphrases: wait a minute and try again.
hub-error-too-many-signups = Too many sign-ups from this phone: wait a minute and try again.
hub-error-short = The passphrase must have at least { $min } characters.
hub-error-differ = The two passphrases differ.
hub-error-long = The passphrase is too long.
hub-error-name-taken = Someone on this hub already goes by that name: choose another.
hub-error-full = This hub holds as many members as it can.
hub-error-ended = This sign-in has ended: sign in again.
hub-error-owner-only = Only the laptop's owner can do that.

## Deliberation (issue 15): threads, comments, suggestions, revisions, announcements

pkind-hide-post = Hide a post
op-open-thread = thread
op-comment = comment
op-edit-post = edit of a post
op-retract-post = retraction of a post
op-suggest = suggested wording
op-revise = revision of a proposal
op-announce = announcement
reject-no-such-post = no such proposal, demand, report or post in this committee
reject-not-post-author = only its author may change a post
reject-not-proposer = only the proposer may revise a proposal
field-target = What you answer
field-post = Post
done-discuss = Your thread is open.
done-comment = Your comment is posted.
done-edit_post = Your new wording is saved; the earlier one stays visible.
done-retract_post = Your post is retracted.
done-suggest = Your suggestion is posted under the proposal.
done-revise = The proposal's text is revised. Votes already cast stay as they are.
done-announce = Your announcement is sent to every member.
post-hidden = Hidden by a decision of the committee.
post-retracted = Retracted by its author.
post-unreadable = This text cannot be read on this device.
post-edited = edited
post-suggestion = suggested wording
post-history = Earlier wordings
post-reply = Reply
post-your-reply = Your reply
post-your-comment = Your comment
post-send = Post
post-edit = Edit or retract
post-new-wording = New wording
post-save = Save the new wording
post-retract = Retract this post
pages = Pages
page-previous = ← Newer
page-next = Older →
page-of = Page { $page } of { $pages }
discussion-count =
    { $n ->
        [one] Discussion: { $n } post
       *[other] Discussion: { $n } posts
    }
suggest-wording = Suggest a better wording
suggest-your-wording = Your wording
revise-proposal = Revise the text
revise-explain = Votes already cast stay as they are; the proposal shows that it was revised after votes.
revise-new-text = New text
revise-save = Save the new text
discussions = Discussions
discussion-up = Back
discussion-of-proposal = Discussion of a proposal
discussion-of-demand = Discussion of a demand
discussion-of-report = Discussion of a report
discussion-of-committee = Discussions
discussion-of-thread = Thread
discussion-of-comment = Comment and replies
discussion-of-suggestion = Suggested wording and replies
discussion-of-announcement = Announcement and replies
discussions-of = Discussions: { $committee }
announcements = Announcements
thread-new = Open a thread
thread-title = Title
thread-text = What do you want to discuss?
thread-open = Open the thread
announce-new = Announce to every member
announce-explain = An announcement stays at the top of every member's board until they have read it.
announce-text = Announcement
announce-send = Announce
threads-count =
    { $n ->
        [one] { $n } thread
       *[other] { $n } threads
    }
replies-count =
    { $n ->
        [one] { $n } reply
       *[other] { $n } replies
    }
revised-times =
    { $n ->
        [one] The text was revised once.
       *[other] The text was revised { $n } times.
    }
revised-after-votes = Revised after votes: these ballots were cast on an earlier text and still count as cast.
voted-on-revision =
    { $n ->
        [0] voted on the original text
       *[other] voted on revision { $n }
    }
error-no-post = There is no proposal, demand, report or post with that id here.
needs-announcements =
    { $n ->
        [one] { $n } announcement
       *[other] { $n } announcements
    }
announcement-read = Mark as read
done-read = Marked as read.
discussion-link =
    { $n ->
        [0] Discuss
        [one] Discussion ({ $n })
       *[other] Discussion ({ $n })
    }
pdo-statement-public = Once adopted, it may be published outside the federation.
pdo-policy = New rules: { $vouches } vouches to join, quorum { $quorum }, consensus: { $consensus }.
pdo-remove = Removes { $member } from the committee.
pdo-affiliate = Asks to join { $council }.
pdo-accept = Accepts { $committee } into this council.
pdo-recall = Recalls { $member } from { $council }.
pdo-mandate = Our delegates must vote “{ $choice }” on: { $proposal }.
pdo-adopt = Adopts the demand: { $demand }.
pdo-merge = Merges the demand “{ $from }” into “{ $into }”.
post-propose-hide = Propose to hide
post-hide-explain = Opens a proposal: the post is hidden only if the committee passes it. Replies stay.
post-hide-reason = Why
done-hide_post = The proposal to hide the post is open for voting.
needs-revised = A proposal you voted on was revised after your vote: your ballot stays as cast; read the new text.

## Reading a QR code from a photo (issue 13)
scan-photo = Or pick a photo of the QR code
scan-read = Read the photo
scan-done = Read from the photo: check it, then press the button above.
scan-error-empty = No photo was sent: pick one first.
scan-error-busy = Another photo is being read: try again in a moment.
scan-error-too-large = The photo is too large (at most 12 MB and 24 megapixels).
scan-error-not-an-image = This file is not a photo kenes can read (JPEG, PNG or WebP).
scan-error-no-code = No QR code was found in the photo: take it closer, straight on and in focus.
scan-error-unreadable = A QR code was found but could not be read: take it again, closer and in focus.

"""Demo data: a lived-in help desk for ``deskline demo``, the same for a given seed and time.

Everything goes through the Desk and the Roster, so every ticket has the audit trail a
real one would have. History is written in the past by giving the Desk a clock that is
moved to each step's moment; a ticket's steps are planned first, then played in order
of creation so that ticket numbers grow with age.

Most tickets are timed against DESIGN.md's default targets read as wall-clock time,
which never asks more than the business calendars do. The dozen or so tickets meant to
sit just before a deadline, or just past it, are placed with the desk's own SLA rules,
so their due times are exact whatever the calendars say.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import func, select

from core import fields
from core.agents import Roster, check_handle
from core.config import default_rules
from core.desk import Desk
from core.errors import InvalidInput
from core.sla import ClockFacts, ClockReading, ClockState, SlaClock, SlaRules
from core.views import TicketView
from core.workflow import OPEN, Status
from storage import queries
from storage.models import Ticket
from storage.store import Store

# DESIGN.md's default targets as wall-clock time; "3 business days" is taken as three days.
_FIRST_RESPONSE = {
    "P0": timedelta(minutes=15),
    "P1": timedelta(minutes=30),
    "P2": timedelta(hours=1),
    "P3": timedelta(hours=4),
}
_RESOLUTION = {
    "P0": timedelta(hours=2),
    "P1": timedelta(hours=4),
    "P2": timedelta(hours=24),
    "P3": timedelta(days=3),
}

_MINUTE = timedelta(minutes=1)
_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)
_MIN_GAP = timedelta(seconds=45)  # between two steps of one ticket

# Shares of the final state of the desk (they are dealt out, not drawn, so every status,
# priority and channel shows up).
_STATUS_SHARE = {
    "new": 9,
    "assigned": 7,
    "in_progress": 13,
    "pending": 7,
    "resolved": 17,
    "closed": 47,
}
_PRIORITY_SHARE = {"P0": 6, "P1": 22, "P2": 42, "P3": 30}
_LANGUAGE_SHARE = {"en": 60, "zh": 30, "mix": 10}
_CHANNEL_SHARE = {"email": 30, "web": 24, "chat": 20, "phone": 15, "api": 6, "walk-in": 5}


@dataclass(frozen=True)
class DemoSummary:
    """What ``fill`` put in the store."""

    tickets: int
    agents: int
    teams: int
    customers: int
    by_status: dict[str, int]
    by_priority: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    chinese: int = 0  # tickets whose title has Chinese in it
    reopened: int = 0
    escalated: int = 0
    near_deadline: int = 0  # open tickets with a running clock due within the hour
    overdue: int = 0  # open tickets with a breached clock
    me: str | None = None
    mine: int = 0  # open tickets assigned to ``me``
    first_created: datetime | None = None

    def lines(self) -> list[str]:
        """The summary as short lines for a terminal."""

        def counts(table: dict[str, int]) -> str:
            return ", ".join(f"{k} {v}" for k, v in table.items())

        out = [
            f"{self.tickets} tickets, {self.agents} agents in {self.teams} teams, "
            f"{self.customers} customers",
            f"status:   {counts(self.by_status)}",
            f"priority: {counts(self.by_priority)}",
            f"channel:  {counts(self.by_channel)}",
            f"{self.chinese} with Chinese titles, {self.reopened} reopened, "
            f"{self.escalated} escalated",
            f"{self.near_deadline} open tickets near a deadline, {self.overdue} overdue",
        ]
        if self.me:
            out.append(f"{self.mine} open tickets in {self.me}'s queue")
        return out


def fill(
    store: Store,
    *,
    now: datetime,
    tickets: int = 300,
    seed: int = 7,
    me: str | None = None,
    rules: SlaRules | None = None,
) -> DemoSummary:
    """Fill an empty store with agents, customers and ``tickets`` tickets of history up to
    ``now``; ``me`` (a handle) joins the first team and gets a share of the open tickets.

    ``rules`` are the desk's SLA rules (default: the built-in ones); the tickets placed near
    or past a deadline are placed by them.
    """
    if now.tzinfo is None:
        raise InvalidInput("the demo needs a time with an offset, like 2026-04-02T16:30:00Z")
    now = now.astimezone(UTC)
    if tickets < 1:
        raise InvalidInput(f"the demo needs at least one ticket, not {tickets}")
    if me is not None:
        me = check_handle(me)
    held = _ticket_count(store)
    if held:
        raise InvalidInput(
            f"{store.display_url} already holds tickets ({held}): the demo only fills an "
            "empty desk; point it at a new database file"
        )
    rules = rules or default_rules()
    staff = _enrol(store, me)
    rng = random.Random(seed)
    plans = _plan(rng, now, tickets, staff, me, rules)
    return _play(store, now, plans, staff, me, rules)


# -- the people -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    handle: str
    name: str
    role: str
    team: str
    skills: tuple[str, ...]


_TEAMS = ("Service Desk", "Billing", "Platform", "客服一组")

_STAFF = (
    _Member("amy.chen", "Amy Chen", "supervisor", "Service Desk", ("en", "zh", "account")),
    _Member("tom.baker", "Tom Baker", "agent", "Service Desk", ("en", "hardware", "printer")),
    _Member("priya.nair", "Priya Nair", "agent", "Service Desk", ("en", "software", "email")),
    _Member("olga.kowalski", "Olga Kowalski", "supervisor", "Billing", ("en", "billing")),
    _Member("zhao.lei", "Zhao Lei (赵磊)", "agent", "Billing", ("zh", "en", "billing", "invoice")),
    _Member("raj.patel", "Raj Patel", "supervisor", "Platform", ("en", "network", "vpn", "sso")),
    _Member("sven.lind", "Sven Lindqvist", "admin", "Platform", ("en", "api", "database")),
    _Member("li.wei", "Li Wei (李伟)", "supervisor", "客服一组", ("zh", "en", "vpn", "account")),
    _Member("wang.fang", "Wang Fang (王芳)", "agent", "客服一组", ("zh", "printer", "hardware")),
    _Member("chen.jing", "Chen Jing (陈静)", "agent", "客服一组", ("zh", "en", "email", "erp")),
    _Member("maria.garcia", "Maria Garcia", "director", "Service Desk", ("en", "escalation")),
)
_DIRECTOR = "maria.garcia"
_SUPERVISOR = {m.team: m.handle for m in _STAFF if m.role == "supervisor"}
_AREA_TEAM = {
    "Account": "Service Desk",
    "Hardware": "Service Desk",
    "Software": "Service Desk",
    "Billing": "Billing",
    "Network": "Platform",
    "Platform": "Platform",
}
_SHARED = frozenset({"outage", "dns", "firewall", "wifi", "monitoring"})  # many people's
_FRONT_LINE = {"en": ("tom.baker", "priya.nair", "amy.chen"), "zh": ("wang.fang", "chen.jing")}


def _enrol(store: Store, me: str | None) -> dict[str, _Member]:
    """Add the demo staff (and ``me``) to the roster, keeping anyone already there."""
    roster = Roster(store)
    present = {agent.handle for agent in roster.list()}
    staff = {m.handle: m for m in _STAFF}
    for m in _STAFF:
        if m.handle not in present:
            roster.add(
                m.handle,
                name=m.name,
                role=m.role,
                team=m.team,
                skills=m.skills,
                email=f"{m.handle}@example.com",
            )
    if me is not None and me not in present and me not in staff:
        roster.add(me, name=me, team=_TEAMS[0], skills=("en",))
    return staff


def _ticket_count(store: Store) -> int:
    with store.read() as s:
        return int(s.exec(select(func.count()).select_from(Ticket)).one())


# -- what customers write -----------------------------------------------------------------


@dataclass(frozen=True)
class _Issue:
    category: str
    lang: str  # en, zh or mix (Chinese with English words)
    priorities: str  # e.g. "P1 P2"
    titles: tuple[str, ...]  # the same problem in other words
    description: str
    fix: str  # the solution note
    tags: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()  # when only some channels make sense

    @property
    def area(self) -> str:
        return self.category.split("/")[0]

    @property
    def family(self) -> str:
        """Which phrase tables fit: desk (one person's machine or account), infra
        (networks and services) or billing."""
        if self.area == "Billing":
            return "billing"
        if self.area == "Platform" or _SHARED.intersection(self.tags):
            return "infra"
        return "desk"


# One issue per block: "category | language | priorities | tags | channels (when only
# some make sense)", the title and other ways of putting it ("|| "), the description,
# then "fix:" and the solution note.
# Placeholders in braces are filled per ticket from _FILLS.
_ISSUE_TEXT = """
Account/Login/Locked | en | P1 P2 | login
Locked out after password reset
|| Account locked, can't log in
|| Locked out again after changing my password
I reset my password through the self-service page this morning and now it says my account
is locked. I have a client call at {time} and need to get in before then.
fix: Unlocked the account. The lockouts came from the old password still saved in the
phone's mail app; customer removed it.

Account/Login/MFA | en | P1 P2 | mfa
MFA codes rejected on my new phone
|| New phone - authenticator codes don't work
|| Can't sign in: MFA code invalid
Moved the authenticator app to a new phone last week and every code is rejected. Tried {n}
times, now it tells me to wait 15 minutes.
fix: Re-registered the authenticator on the new device after confirming identity by phone.

Account/Login/SSO | en | P0 P1 | sso outage
SSO login loops back to the sign-in page
|| Nobody can log in through SSO
|| SSO redirect loop for the whole office
Everyone in our office gets bounced back to the login page when signing in with SSO.
Started around {time}. Nobody can reach the portal.
fix: The identity provider had rotated its signing certificate. Uploaded the new one to the
service provider config and cleared sessions.

Account/Access/Permissions | en | P2 P3 | access
Need access to the Finance share for Q{q} close
|| Access request: Finance share, Q{q} folder
I'm helping {person} with the quarter-end close. Could I get read/write on the Q{q} folder
in the Finance share? My manager approved it by email.
fix: Added the user to the Finance read/write group after checking the approval.

Account/Onboarding | en | P2 P3 | onboarding
New starter on Monday: laptop and accounts
|| Onboarding: {person} starts Monday
|| Set up accounts for new hire ({person})
{person} joins the sales team on Monday. Please set up email, CRM access and a laptop, same
as the rest of the team.
fix: Accounts created, laptop imaged and left at reception for day one.

Account/Offboarding | en | P2 | offboarding
Disable account for a leaver
|| Leaver: please disable {person}'s account
{person} left on Friday. Please disable their login and forward their mail to their manager
for 30 days.
fix: Account disabled, mail forwarded for 30 days, licences taken back.

Account/Login/Password | en | P3 |
Can I change my password from home?
|| Password expiring while I'm remote
The reminder says my password expires in {n} days and I'm remote all week. Can I change it
without the VPN?
fix: Sent the self-service reset link; it works off the VPN.

Billing/Invoice | en | P2 P3 | invoice
Invoice {invoice} has our old address
|| Wrong address on invoice {invoice}
|| Please reissue {invoice} with our new address
Our finance team can't book invoice {invoice} because it still shows the address we moved
out of last month. Could you reissue it?
fix: Updated the billing address and reissued the invoice with a credit note for the old
one.

Billing/Charge/Duplicate | en | P1 P2 | refund
Charged twice for the same month
|| Duplicate charge of {amount}
|| Double payment taken this month
Our card was charged {amount} twice this month. Bank statement attached. Please refund the
duplicate.
fix: Duplicate confirmed with the payment provider; refund issued, 3-5 working days.

Billing/Refund | en | P2 | refund
Refund of {amount} still not received
|| Where is our refund?
|| Refund promised two weeks ago, nothing yet
You confirmed a refund two weeks ago and nothing has arrived. Can you send us the
transaction reference so our bank can trace it?
fix: The refund had bounced off an expired card; re-sent by bank transfer and shared the
reference.

Billing/Plan/Upgrade | en | P3 | sales
Quote for {n} more seats
|| Pricing for adding {n} users
|| Need {n} extra licences from next month
We're hiring and need {n} more seats from next month. What would that cost on our plan, and
is there a discount above 50?
fix: Sent the quote; the volume discount starts at 50 seats.

Billing/Invoice | en | P3 | invoice
Please send invoices to our AP mailbox
|| Change billing contact to accounts payable
From now on could invoices go to our accounts payable mailbox instead of to me personally?
I'm going on leave soon.
fix: Billing contact changed to the AP mailbox.

Billing/Charge | en | P1 | suspended
Account suspended after failed payment
|| Service suspended although we paid
|| Suspended for non-payment - payment was made
Our service was suspended this morning over a failed payment, but we paid yesterday. {n}
people can't work. Please restore it.
fix: The payment had posted late. Reactivated the account and cleared the dunning flag.

Network/VPN | en | P1 P2 | vpn
VPN drops every few minutes since {version}
|| VPN keeps disconnecting after client update
|| VPN unstable since {version}
Since the client updated to {version} the VPN drops every 5-10 minutes, mostly during video
calls. Home internet is fine otherwise.
fix: Known issue in that build. Rolled the client back and turned off the new split-tunnel
option until the vendor fixes it.

Network/VPN | en | P0 P1 | vpn outage
VPN gateway down for the {city} office
|| {city}: nobody can connect to VPN
|| VPN outage in {city}
Nobody in {city} can connect to the VPN since {time}: 'gateway unreachable'. About {n}
people affected.
fix: The gateway certificate had expired. Renewed it and restarted the service; added an
expiry check to monitoring.

Network/Wi-Fi | en | P2 P3 | wifi
Wi-Fi very slow in floor {floor} meeting rooms
|| Bad Wi-Fi in the floor {floor} meeting rooms
|| Video calls freezing on floor {floor}
Calls keep freezing in the meeting rooms on floor {floor}. The desks on the same floor seem
fine.
fix: One access point sat on a crowded channel; moved it and raised its power.

Network/DNS | en | P1 | dns
Intranet not resolving from the {city} branch
|| {city} branch can't reach the intranet
|| Wiki and intranet down at {city} branch
Since this morning the intranet and the wiki don't open from the {city} branch. Public
websites work.
fix: The branch router handed out the wrong DNS server after a reboot; fixed the DHCP
options.

Network/Firewall | en | P2 P3 | firewall change
Open outbound port 8443 to a partner
|| Firewall change: outbound 8443
|| Firewall request for partner API
Our integration with a logistics partner needs outbound 8443 to their API. Change approved
by {person}.
fix: Firewall rule added under the approved change; tested with the partner.

Hardware/Printer | en | P2 P3 | printer | web email phone walk-in
Printer {printer} jams on every job
|| Paper jam on {printer} again
|| Floor {floor} printer keeps jamming
The printer on floor {floor} jams on every job. We tried another tray and fresh paper. Half
the team prints there.
fix: Replaced the worn pickup roller; test pages fine.

Hardware/Printer | en | P3 | printer mac
Mac can't find {printer}
|| Can't print from my Mac
My Mac doesn't see {printer} at all. The Windows people next to me print fine.
fix: Installed the vendor driver and added the printer by IP.

Hardware/Laptop | en | P2 | laptop
Laptop stops charging at {n}%
|| Laptop battery not charging
|| Charger light blinking, laptop not charging
My laptop stops charging at {n}% and the light on the charger blinks. Tried other sockets.
fix: Faulty charger; swapped it from stock.

Hardware/Laptop/Screen | en | P2 P3 | laptop | walk-in web email chat
Cracked laptop screen, need a loaner
|| Broken laptop screen
|| Dropped my laptop - screen cracked
Dropped my laptop at the airport; the screen has a crack across one corner. Still works but
hard to read. Is there a loaner I could use?
fix: Loaner issued; laptop sent to the vendor for a screen under accident cover.

Hardware/Peripherals | en | P3 | request
Second monitor for home office
|| Request: monitor for working from home
Could I get a second monitor for working from home? I can pick it up on {day_off}.
fix: Monitor booked out and collected from the desk.

Hardware/Phone | en | P1 P2 | phone
Reception phone shows 'no service'
|| Main number not ringing at reception
|| Reception desk phone dead
The phone at reception shows 'no service' since the weekend. Callers to our main number get
nothing.
fix: The patch cable had been pulled out during cleaning; reconnected, phone registered.

Software/Email/Outlook | en | P2 P3 | outlook
Outlook keeps asking for my password
|| Outlook password prompt every few minutes
|| Outlook won't stop asking me to sign in
Since yesterday Outlook asks for my password every {n} minutes. I type it in and it comes
back.
fix: Cleared the cached credentials and rebuilt the Outlook profile.

Software/Email/Outlook | en | P2 | outlook mailbox
{mailbox} shared mailbox missing in Outlook
|| Can't see the {mailbox} mailbox in Outlook
I was given access to the {mailbox} mailbox yesterday. It shows in the web version but not
in Outlook on my laptop.
fix: Turned on auto-mapping; the mailbox appeared after an Outlook restart.

Software/Email/Delivery | en | P1 P2 | email
Our emails to a key client bounce with 550
|| Mail to one client bouncing (550)
|| Outbound emails rejected by client's server
Every email we send to one of our biggest clients bounces with '550 rejected'. Started
today; other recipients are fine.
fix: Our SPF record was missing the new mail relay; updated it and delivery recovered.

Software/Email/Outlook | en | P3 | howto
How do I set an out-of-office?
|| Out-of-office for external senders only?
I'm on leave from {day_off}. How do I set an automatic reply that only goes to people
outside the company?
fix: Walked through Automatic Replies together; internal and external messages set.

Software/Teams | en | P2 | teams audio
Teams calls lose my audio after 30 seconds
|| People can't hear me on Teams
|| Teams mic cuts out during calls
On Teams calls people stop hearing me after about half a minute. Same headset works in Zoom.
fix: Cleared the Teams cache and updated the headset firmware.

Software/ERP | en | P1 P2 | erp
ERP valuation report times out
|| Month-end report in ERP won't finish
|| Inventory valuation report timing out
The inventory valuation report times out after five minutes. We need it for month end by
{deadline}.
fix: Added the missing index on the stock ledger; the report now runs in under a minute.

Software/Install | en | P3 | install
Please install Visio
|| Software request: Visio
I need Visio for the process diagrams for the audit. Licence approved by {person}.
fix: Licence assigned and Visio pushed from the software centre.

Software/CRM | en | P2 | crm
CRM export to Excel is empty
|| Pipeline export only has headers
|| CRM Excel export broken
When I export my pipeline from the CRM the Excel file has only the headers. Same filters as
last week.
fix: The export silently hit the row limit; split it by region for now and raised a case
with the vendor.

Platform/API/Errors | en | P0 P1 | api outage | api email phone
API returns 502 for every request
|| 502 Bad Gateway on /v2/orders
|| Orders API down for us
Our integration gets HTTP 502 from /v2/orders on every call since {time}. Orders are piling
up on our side.
fix: A bad gateway deploy left the upstream pool empty; rolled back and traffic recovered.

Platform/Database | en | P0 P1 | monitoring disk | api
Alert: data volume 95% full on {host}
|| Disk space alert on {host}
|| Alert: {host} data volume almost full
Monitoring: the data volume on {host} is at 95% and growing about 1% an hour.
fix: Purged old WAL archives, fixed the retention job and grew the volume by 200 GB.

Platform/API/Rate limit | en | P2 P3 | api
429 Too Many Requests during nightly sync
|| Rate limited (429) during sync
|| Can we raise our API rate limit?
Our nightly sync hits 429 around 02:00. Can our limit be raised, or is there a bulk
endpoint we should use?
fix: Pointed them to the bulk endpoint; raised the limit for the migration week.

Platform/Website | en | P0 | outage payments | phone email chat
Checkout down - customers can't pay
|| Checkout error for every customer
|| Payments failing at checkout
Our shop shows an error at checkout for every customer since {time}. We are losing sales by
the minute.
fix: The payment provider's webhook secret had been rotated; updated the config and
replayed the failed orders.

Platform/Backup | en | P2 | backup restore
Restore the deleted 'Contracts {year}' folder
|| Deleted folder on shared drive - please restore
|| Need yesterday's backup of Contracts {year}
Someone deleted the 'Contracts {year}' folder on the shared drive yesterday afternoon. Can
you bring it back from last night's backup?
fix: Restored from the 23:00 snapshot; the owner checked the contents.

Platform/API/Webhooks | en | P2 | api webhooks
Order webhooks stopped arriving
|| No webhooks since {time}
|| Webhook deliveries stopped
We stopped receiving order webhooks at {time}. Our endpoint is up and our logs show nothing
coming in.
fix: The endpoint was auto-disabled after repeated timeouts; re-enabled it and replayed the
backlog.

Account/Login/Locked | zh | P1 P2 | login
账号被锁定，登录不了
|| 登录提示账号已锁定
|| 密码输错几次后账号被锁
早上输错了几次密码，现在提示账号已锁定。{time}还要给客户做演示，麻烦尽快解锁。
fix: 已解锁账号。锁定原因是手机邮件客户端里还保存着旧密码，已提醒客户更新。

Account/Login/MFA | zh | P2 | mfa
换了手机号，收不到验证码
|| 手机号变更，验证码还发到旧号
|| 收不到登录验证码
上个月换了手机号，登录时验证码还是发到旧号码上，麻烦帮忙改一下绑定的手机。
fix: 核实身份后已更换绑定手机号，客户确认可以收到验证码。

Account/Access/Permissions | zh | P3 | access
申请开通财务共享盘权限
|| 申请共享盘“报表”目录读写权限
刚调到财务部，需要共享盘“报表”目录的读写权限，{person_zh}已经同意了。
fix: 已加入财务共享盘读写组，客户确认可以访问。

Account/Onboarding | zh | P2 P3 | onboarding
下周一{n}位新同事入职，需要准备电脑和账号
|| 新员工入职：开通邮箱和OA
|| 入职准备：{n}台电脑和账号
下周一有{n}位新同事入职，麻烦提前准备电脑、开通邮箱和OA账号，名单稍后发邮件给你们。
fix: 账号和电脑已准备好，入职当天交付。

Account/Login/SSO | zh | P0 P1 | sso outage
全公司都登录不了门户
|| 单点登录一直跳回登录页
|| 门户无法登录，影响全公司
从{time}开始全公司都没法通过单点登录进门户，一直跳回登录页，业务基本停了。
fix: 身份提供方证书已轮换，更新服务端证书配置并清理会话后恢复。

Billing/Invoice | zh | P2 P3 | invoice
发票{invoice}抬头开错了，需要重开
|| 发票抬头有误，申请重开
|| 申请作废并重开发票{invoice}
上周收到的发票{invoice}抬头少了“有限公司”几个字，财务没法入账，请作废后重新开具。
fix: 已作废原发票，按正确抬头重新开具，电子发票已发到客户邮箱。

Billing/Charge/Duplicate | zh | P1 P2 | refund
同一笔订单被扣了两次款
|| 订单{order}重复扣款
|| 付款卡住后被扣了两次钱
订单{order}付款时页面卡住，我又点了一次，结果银行卡被扣了两次{amount_zh}，请退回多扣的一笔。
fix: 已与支付渠道核实重复扣款，多扣款项原路退回，预计3-5个工作日到账。

Billing/Refund | zh | P2 | refund
退款一周了还没到账
|| 退款{amount_zh}迟迟未到账
|| 查询退款进度
上周申请的退款{amount_zh}到现在还没收到，当时说3天内到账，麻烦查一下进度。
fix: 退款因银行卡过期失败，已改为对公转账并提供流水号。

Billing/Plan/Upgrade | zh | P3 | sales
想了解企业版价格
|| 企业版报价咨询
|| 升级企业版需要多少钱
我们团队现在{n}个人，想从标准版升级到企业版，请发一份报价。另外可以按年付吗？
fix: 已发送企业版年付报价单。

Billing/Invoice | zh | P3 | invoice
能否每月合并开一张发票
|| 申请按月合并开票
每笔订单单独开票太多了，财务希望以后每个月合并开一张专票，可以吗？
fix: 已为客户开通按月合并开票，下月起生效。

Network/VPN | zh | P1 P2 | vpn
在家连不上公司VPN
|| VPN连接超时
|| 居家办公VPN连不上
在家用笔记本连VPN一直提示“连接超时”，换了手机热点也一样，昨天还好好的。
fix: 客户端里的网关地址是旧的，已推送新配置，连接正常。

Network/Wi-Fi | zh | P2 P3 | wifi
{floor}楼会议室WiFi信号很差
|| {floor}楼会议室视频会议卡顿
|| 会议室无线网络太慢
{floor}楼大会议室开视频会议经常卡，手机上WiFi只有一格。
fix: 会议室AP信道拥堵，已调整信道并加装一台AP。

Network/Outage | zh | P0 | outage | phone chat
{city_zh}分公司全部断网
|| {city_zh}办公室网络中断
|| {city_zh}分公司网络和电话全断
{city_zh}分公司从{time}开始全部断网，电脑和电话都用不了，大概{n}个人受影响。
fix: 运营商光纤被施工挖断，已切到备用线路，主线路修复后切回。

Hardware/Printer | zh | P2 P3 | printer
打印机{printer}老是卡纸
|| {floor}楼打印机频繁卡纸
|| 打印机卡纸，换纸也没用
{floor}楼的打印机{printer}每打几页就卡纸，纸已经换过了，还是不行。
fix: 更换了磨损的搓纸轮，测试打印正常。

Hardware/Printer | zh | P3 | printer howto
新电脑怎么添加网络打印机
|| 新电脑找不到部门打印机
刚换了新电脑，找不到部门的打印机，请问怎么添加？
fix: 已远程安装驱动并通过IP添加打印机。

Hardware/Laptop | zh | P1 P2 | laptop
笔记本开机蓝屏，里面有重要文件
|| 电脑蓝屏{bsod}
|| 开机蓝屏，重启无效
今天早上开机就蓝屏，代码{bsod}，重启几次都一样，电脑里有明天要交的文件。
fix: 内存条松动，重新插好后恢复；已顺便帮客户备份数据。

Hardware/Peripherals | zh | P3 | request
申请一副降噪耳机
|| 申请办公耳机
经常在开放办公区打电话，想申请一副降噪耳机，主管已经同意了。
fix: 已从库存发放耳机。

Software/Email/Outlook | zh | P2 | email
收不到外部客户的邮件
|| 外部邮件收不到
|| 客户发来的邮件没收到
从昨天下午开始收不到外部客户的邮件，内部邮件正常，客户那边也没收到退信。
fix: 邮件被新的反垃圾规则误拦，已调整规则并放行隔离区里的邮件。

Software/ERP | zh | P1 P2 | erp
ERP月结报表导不出来
|| 月结库存报表导出超时
|| ERP报表一直转圈
财务月结要用的库存报表一直转圈导不出来，{deadline_zh}之前必须交给审计。
fix: 数据库缺索引导致查询超时，已加索引，报表可以正常导出。

Software/Install | zh | P3 | install
申请安装Visio
|| 软件安装申请：Visio
工作需要画流程图，想申请安装Visio，审批已经走完了。
fix: 已分配许可证并远程安装。

Platform/API/Errors | zh | P0 P1 | api outage | api phone chat
订单接口大量报502
|| 接口返回502，订单积压
|| 订单同步接口异常
从{time}开始调用订单接口全部返回502，我们这边已经积压了{n}百多单。
fix: 网关发布异常导致上游为空，已回滚，接口恢复。

Platform/Website | zh | P0 | outage payments | phone chat email
官网支付页面打不开
|| 官网支付白屏
|| 客户无法在官网付款
客户反映官网下单后支付页面一直白屏，已经有好几个客户打电话投诉了。
fix: 支付回调密钥被轮换，已更新配置并补单。

Platform/Backup | zh | P2 | backup restore
误删了共享文件夹，能恢复吗
|| 申请从备份恢复文件夹
|| 共享盘文件夹被误删
同事昨天下午误删了共享盘里的“合同{year}”文件夹，麻烦从备份恢复一下。
fix: 已从前一晚的快照恢复，负责人确认内容完整。

Network/VPN | mix | P1 P2 | vpn
VPN 连不上 after update
|| 更新到 {version} 后 VPN 报错 {vpn_error}
|| VPN connect 失败, error {vpn_error}
昨天电脑自动更新到 {version} 之后 VPN 就连不上了，报错 {vpn_error}，今天要远程处理订单，比较
急。
fix: 新版本客户端和旧配置不兼容，已回退到上一版本并反馈厂商。

Network/DNS | mix | P1 | dns
内网 wiki 打不开, DNS error
|| 内网 DNS 解析失败
|| OA 和 wiki 都打不开 (NXDOMAIN)
内网wiki和OA都打不开，浏览器提示 DNS_PROBE_FINISHED_NXDOMAIN，外网正常。
fix: 分支机构DHCP下发了错误的DNS，已修正。

Hardware/Printer | mix | P2 | printer
Printer 显示 offline，打印不了
|| 打印机 offline，全办公室打不了
办公室打印机在电脑上一直显示 offline，但打印机本身是开着的，其他同事也打不了。
fix: 打印机IP冲突，已设固定IP并更新打印队列。

Software/Email/Outlook | mix | P2 P3 | outlook
Outlook 一直 Trying to connect
|| Outlook 连不上服务器
|| Outlook 断线，网页版正常
Outlook 右下角一直显示 Trying to connect...，网页版邮箱正常，重启电脑也没用。
fix: 重建 Outlook 配置文件后恢复连接。

Software/IM | mix | P2 | im
企业微信 PC 端消息 delay 很严重
|| 企业微信电脑端消息延迟
电脑端企业微信的消息要过好几分钟才显示，手机上是正常的。
fix: 清理本地缓存并升级客户端后恢复正常。

Platform/Database | mix | P1 | database
报表库 slow query，页面 timeout
|| BI 报表 timeout，晨会要用
|| 报表系统特别慢
BI 报表从今天早上开始特别慢，很多页面 timeout，影响管理层{time}的晨会。
fix: 新上线的一条查询缺少索引导致全表扫描，已优化。

Platform/API/Rate limit | mix | P3 | api
API 限流 429 咨询
|| 批量同步被限流 (429)
我们晚上批量同步时经常遇到 429 Too Many Requests，想问一下有没有 bulk 接口，或者能不能提高限
额？
fix: 已说明批量接口用法，并在迁移期间临时提高限额。

Account/Login/Password | mix | P2 | login
Password 过期，reset 链接打不开
|| 密码重置 link 404
|| Reset password 邮件链接失效
系统提示密码过期，点邮件里的 reset link 显示 404，试了 Chrome 和 Edge 都一样。
fix: 重置链接模板指向了旧域名，已修正并重新发送。

Billing/Invoice | mix | P2 P3 | invoice
Invoice 金额和合同不一致
|| Invoice {invoice} 金额不对
|| 账单多收了 seats 费用
这个月的 invoice {invoice} 金额比合同多了{amount_zh}，麻烦核对一下是不是多算了 seats。
fix: 计费系统多算了两个已停用账号，已开红字发票冲回差额。
"""


def _read_issues(text: str) -> tuple[_Issue, ...]:
    issues = []
    for block in text.strip().split("\n\n"):
        head, *body = block.splitlines()
        category, lang, priorities, tags, *channels = (part.strip() for part in head.split("|"))
        titles = [body.pop(0)]
        while body[0].startswith("|| "):
            titles.append(body.pop(0).removeprefix("|| "))
        at = next(i for i, line in enumerate(body) if line.startswith("fix: "))
        issues.append(
            _Issue(
                category,
                lang,
                priorities,
                tuple(titles),
                _join(body[:at]),
                _join([body[at].removeprefix("fix: "), *body[at + 1 :]]),
                tuple(tags.split()),
                tuple(channels[0].split()) if channels else (),
            )
        )
    return tuple(issues)


def _join(lines: list[str]) -> str:
    """Wrapped lines back into one text: English words get a space, Chinese none."""
    text = ""
    for line in lines:
        if text and not (_is_wide(text[-1]) or _is_wide(line[0])):
            text += " "
        text += line
    return text


def _is_wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80


_ISSUES = _read_issues(_ISSUE_TEXT)


def _lines(text: str) -> tuple[str, ...]:
    """The non-blank lines of a block, stripped."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


_FILLS: dict[str, tuple[str, ...]] = {
    "time": ("8:40", "9:15", "10:30", "11:05", "13:20", "14:45", "16:10"),
    "printer": ("HP-3F-02", "Canon-C5540", "RICOH-IM-5F", "Brother-L8-Lobby"),
    "version": ("5.2.1", "5.3.0", "6.0.2", "2026.1"),
    "host": ("db-03", "pg-main-2", "web-07", "files-01", "k8s-node-14"),
    "person": ("Mark", "Sarah", "Kevin", "Lena", "Omar", "Jess", "Daniel"),
    "person_zh": ("李经理", "张总", "刘姐", "陈主管", "部门王经理"),
    "city": ("Singapore", "Frankfurt", "Austin", "Shenzhen", "Manchester"),
    "city_zh": ("深圳", "杭州", "成都", "苏州", "武汉"),
    "deadline": ("Friday", "Thursday noon", "the 30th", "tomorrow morning"),
    "deadline_zh": ("周五", "本周三", "月底", "明天下午"),
    "day_off": ("Friday", "next Monday", "the 14th"),
    "mailbox": ("Sales", "Support", "HR", "Finance"),
    "bsod": ("CRITICAL_PROCESS_DIED", "0xc000021a", "MEMORY_MANAGEMENT"),
    "vpn_error": ("809", "720", "TLS handshake failed", "ERR_TUNNEL_TIMEOUT"),
    "sign": ("Mark", "Hannah", "Ben", "Chloe", "Ahmed", "Rosa", "Pete"),
}

# How the desk logged it, when it did not come in writing.
_INTAKE = {
    ("phone", "en"): "By phone: ",
    ("walk-in", "en"): "At the desk: ",
    ("chat", "en"): "From chat: ",
    ("phone", "zh"): "客户来电：",
    ("walk-in", "zh"): "现场报修：",
    ("chat", "zh"): "在线咨询转工单：",
}
# What customers add at the end; often nothing.
_TAILS = {
    "en": ("", "", "", "")
    + _lines("""
        Thanks!
        Happy to jump on a call.
        Second time this month.
        Please call my mobile if easier.
        Not sure if related, but we had a power cut yesterday.
        Thanks, {sign}
    """),
    "zh": ("", "", "", "")
    + _lines("""
        谢谢！
        比较急，麻烦尽快。
        之前也出现过一次，后来自己好了。
        打电话联系我也可以。
        辛苦了！
    """),
}
_URGENT = {"en": ("URGENT: ", "Urgent - ", "ASAP: "), "zh": ("【紧急】", "紧急！", "急：")}
_THREAD = {"en": ("Re: ", "FW: "), "zh": ("回复：", "转发：")}

_CUSTOMERS = {
    "en": _lines("""
        Acme Logistics
        Northwind Traders
        Contoso Retail
        Globex Finance
        Initech
        Harbor Dental Group
        Blue Fin Seafood
        Maple Street Bakery
        Orion Legal LLP
        Summit Outdoor Gear
        Greenleaf Clinic
        Pixel Forge Studio
        Riverside Schools
        Helix Biotech
        Nadia Petrova
        James O'Connor
    """),
    "zh": _lines("""
        星河科技
        云帆物流
        华东建材
        锦程旅行社
        青禾教育
        瑞丰食品
        东方明珠酒店
        海川医疗
        北辰律师事务所
        蓝鲸游戏
        张伟
        陈晓梅
    """),
}
_VIP = frozenset({"Globex Finance", "Helix Biotech", "Contoso Retail", "星河科技", "海川医疗"})

# -- what agents write ----------------------------------------------------------------------

_ACK = {  # the first public reply
    "en": _lines("""
        Hi, thanks for getting in touch. I've picked this up and I'm looking at it now.
        Thanks for the report. I'm on it and will update you within the hour.
        Hello, I can see the problem on our side too. Working on it; updates will follow here.
        Got it, thanks. Is anyone else on your team affected?
        Thanks for the details, that helps. Checking our logs now.
        Sorry for the trouble. I've taken this and will call you if I need anything.
    """),
    "zh": _lines("""
        您好，已收到您的反馈，正在处理，有进展第一时间通知您。
        您好，问题我们已经确认，正在排查，请稍等。
        收到，谢谢您提供的信息。请问其他同事也遇到同样的问题吗？
        您好，这个工单由我跟进，预计一小时内给您答复。
        抱歉给您带来不便，我们正在查看日志，稍后联系您。
        您好，已经在处理了，方便的话请保持电话畅通。
    """),
}
_BACK_ON_IT = {  # the reply after reopening
    "en": _lines("""
        Sorry it's back. I'm on it again and will update you shortly.
        Thanks for letting us know. Looking at it again now.
        Reopened on our side; I'll find out why the first fix didn't hold.
    """),
    "zh": _lines("""
        抱歉问题又出现了，我们马上重新处理。
        收到，我们重新排查一下，稍后回复您。
        工单已重新打开，我们会查清楚上次的处理为什么没生效。
    """),
}
_PASSED_ON = {  # the front line's reply before handing over
    "en": _lines("""
        Thanks, we've logged this and passed it to the right team. They'll be in touch shortly.
        Received. A specialist will pick this up and contact you soon.
    """),
    "zh": _lines("""
        您好，已登记并转给负责的同事，稍后会有人联系您。
        收到，已安排专人跟进，请留意回复。
    """),
}
# Tables by family of issue: what fits any ticket ("any"), and what fits the issues on
# people's own machines and accounts ("desk"), networks and services ("infra"), or money
# ("billing").
_ByFamily = dict[str, dict[str, tuple[str, ...]]]

_ASK: _ByFamily = {  # the reply that leaves the ticket waiting on the customer
    "en": {
        "desk": _lines("""
            Could you send a screenshot of the error and roughly when it happened?
            Could you restart once and tell me whether the message changes?
            What's the asset number on the sticker under your laptop? I'd like to connect.
            When would suit you for a ten-minute remote session?
        """),
        "infra": _lines("""
            Could you send the request IDs or timestamps of a few failing calls?
            Is it still happening for everyone, or only some users or sites?
            Could you run a traceroute from an affected machine and paste the output here?
        """),
        "billing": _lines("""
            Could you send the statement lines for both charges so we can match them?
            Could you confirm the company name and tax ID that should be on the invoice?
            Which card was the payment made from? The last four digits are enough.
        """),
    },
    "zh": {
        "desk": _lines("""
            麻烦发一下报错截图和发生的大概时间，方便我们排查。
            请重启一次后再试，告诉我们提示有没有变化。
            请告诉我们电脑背面标签上的资产编号，我们需要远程连接。
            您什么时间方便？我们需要远程十分钟。
        """),
        "infra": _lines("""
            麻烦提供几条失败请求的请求ID或时间点。
            请确认现在是所有人都有问题，还是部分人或部分站点？
            请在受影响的电脑上运行一下 traceroute，把结果发给我们。
        """),
        "billing": _lines("""
            麻烦把银行扣款记录截图发给我们核对一下。
            请确认发票上需要的抬头和税号。
            请告知付款银行卡的后四位，方便我们查询。
        """),
    },
}
_CUSTOMER_BACK: _ByFamily = {  # internal note when the customer answers
    "en": {
        "desk": _lines("""
            Customer replied with screenshots; matches what we see in the logs.
            Customer called back: still happens after a restart.
            Customer sent the asset number; connecting remotely.
        """),
        "infra": _lines("""
            Customer sent request IDs; all of them hit the same gateway node.
            Customer confirms it's only the branch office; HQ is fine.
            Traceroute came back: it dies at the branch router.
        """),
        "billing": _lines("""
            Customer sent the statement; both charges are there.
            Customer confirmed the right company name and tax ID by email.
            Got the last four digits; found the payment.
        """),
    },
    "zh": {
        "desk": _lines("""
            客户回复了截图，和日志里的报错一致。
            客户回电：重启后问题依旧。
            客户已提供资产编号，准备远程。
        """),
        "infra": _lines("""
            客户提供了请求ID，都落在同一个网关节点上。
            客户确认只有分公司有问题，总部正常。
            traceroute 结果显示在分公司路由器处中断。
        """),
        "billing": _lines("""
            客户发来了扣款记录，两笔都在。
            客户邮件确认了正确的抬头和税号。
            客户提供了卡号后四位，已找到这笔付款。
        """),
    },
}
_UPDATE: _ByFamily = {
    "en": {
        "desk": _lines("""
            Quick update: we've found the likely cause and are testing a fix.
            Still on it. The vendor confirmed the issue and we're applying their workaround.
            Update: fixed for two of your colleagues, doing the rest now.
        """),
        "infra": _lines("""
            Update: we've found the faulty component and are rolling back the change.
            Traffic is recovering; we'll watch it for another 15 minutes before calling it fixed.
            The fix needs the 18:00 change window; I'll confirm once it's in.
        """),
        "billing": _lines("""
            Update: finance has confirmed the figures and is preparing the correction.
            We've raised it with the payment provider; they usually answer within a working day.
            The corrected document is being approved; you'll have it today.
        """),
    },
    "zh": {
        "desk": _lines("""
            进展更新：已找到可能的原因，正在测试修复方案。
            还在处理中，厂商已确认问题，我们正在按他们的方案操作。
            已为两位同事修好，正在给其他人处理。
        """),
        "infra": _lines("""
            进展更新：已定位到故障组件，正在回滚变更。
            流量正在恢复，我们再观察15分钟确认。
            修复需要在今晚18点的变更窗口进行，完成后通知您。
        """),
        "billing": _lines("""
            进展更新：财务已核对金额，正在准备更正。
            已提交支付渠道核查，一般一个工作日内回复。
            更正后的单据正在审批，今天内发给您。
        """),
    },
}
_NOTE: _ByFamily = {
    "en": {
        "any": _lines("""
            Asked @{peer} for a second pair of eyes.
            Called the customer, no answer. Trying again after lunch.
            Customer prefers chat to phone.
        """),
        "desk": _lines("""
            Usual fixes (cache clear, restart) made no difference.
            Remote session done; logs attached to the vendor case.
            Same model had this last month; see the KB article.
        """),
        "infra": _lines("""
            Logs show the errors start right after the {time} change window.
            Looks like last week's incident at another customer. Same root cause?
            Monitoring: error rate jumped at {time}.
        """),
        "billing": _lines("""
            Checked the ledger: two captures for the same order.
            Finance needs the PO number before reissuing.
            Looks like the billing run on the 1st picked up stale seat counts.
        """),
    },
    "zh": {
        "any": _lines("""
            请 @{peer} 帮忙一起看看。
            电话联系客户没接，午饭后再打。
            客户希望在线沟通，不方便接电话。
        """),
        "desk": _lines("""
            常规处理（清缓存、重启）无效。
            已远程收集日志并提交给厂商。
            同型号上个月也出现过，知识库里有记录。
        """),
        "infra": _lines("""
            查了日志，{time}的变更之后开始报错。
            和上周另一家客户的故障很像，可能是同一个原因。
            看了监控，{time}开始错误率上升。
        """),
        "billing": _lines("""
            查了账单流水，同一订单确实扣了两次。
            财务需要采购单号才能重开。
            看起来月初的计费任务取了旧的座席数。
        """),
    },
}
_HOLD = {  # a supervisor's note on a ticket nobody has yet
    "en": _lines("""
        Holding for Platform: nobody on the desk has the access.
        Might be a duplicate; checking before assigning.
        Will assign after the stand-up.
    """),
    "zh": _lines("""
        等平台组同事上线后再分配。
        疑似重复工单，先核实再分配。
        晨会后统一分配。
    """),
}
_FIXED = {
    "en": _lines("""
        We've applied the fix. Could you try again and let me know?
        This should be sorted now. Reply here if it comes back.
        All done on our side. Thanks for your patience while we tracked it down.
    """),
    "zh": _lines("""
        已经处理好了，麻烦您再试一下，有问题随时联系我们。
        问题已解决，如有复发请直接回复这个工单。
        我们这边已修复，感谢您的耐心等待。
    """),
}
# Escalations: why, what was done so far, what help is needed.
_ESCALATION: dict[str, dict[str, tuple[tuple[str, str, str], ...]]] = {
    "en": {
        "any": (
            (
                "Second time this week for the same customer",
                "Standard fix applied both times; root cause unknown",
                "Someone to own a root-cause review",
            ),
            (
                "Waiting on the vendor for over three hours",
                "Vendor case raised with logs and a timeline",
                "A manager to use the vendor's escalation line",
            ),
        ),
        "desk": (
            (
                "VIP customer with the whole team blocked",
                "Two workarounds tried without luck; vendor case opened",
                "A supervisor to approve loaners and push the vendor",
            ),
        ),
        "infra": (
            (
                "Deadline at risk and the fix needs access the desk doesn't have",
                "Reproduced it, collected logs, ruled out the client side",
                "Platform on-call to check the gateway and load balancer",
            ),
        ),
        "billing": (
            (
                "Customer threatening to cancel over the charge",
                "Refund approved on our side but stuck at the provider",
                "Finance lead to approve a manual refund",
            ),
        ),
    },
    "zh": {
        "any": (
            ("同一客户本周第二次出现", "两次都按标准流程处理，根因不明", "需要安排人做根因分析"),
            ("等厂商回复超过三小时", "已把日志和时间线提交给厂商", "需要经理出面催厂商"),
        ),
        "desk": (
            ("VIP客户整个部门受影响", "两种临时方案都无效，已联系厂商", "需要主管协调备机和厂商"),
        ),
        "infra": (
            (
                "即将超时，且需要更高权限",
                "已复现并收集日志，排除了客户端原因",
                "需要平台组值班检查网关",
            ),
        ),
        "billing": (
            (
                "客户因扣款问题考虑解约",
                "我方已批准退款，但卡在支付渠道",
                "需要财务负责人批准手工退款",
            ),
        ),
    },
}
_WATCHING = {  # the note once an escalation reaches the top
    "en": "Maria here: keep me posted every hour until this is fixed.",
    "zh": "已通知总监，每小时同步一次进展。",
}
_MORE_URGENT = {
    "en": ("More users affected than first reported", "Customer's deadline moved to today"),
    "zh": ("影响范围扩大到整个部门", "客户的截止时间提前到今天"),
}
_LESS_URGENT = {
    "en": ("Workaround in place; customer happy to wait", "Turns out only one user is affected"),
    "zh": ("已提供临时方案，客户同意延后处理", "确认只影响一个人"),
}
_REOPEN: _ByFamily = {
    "en": {
        "desk": _lines("""
            Customer says it came back this morning
            Same error again after the weekend
            Fix only held on one of the two machines
        """),
        "infra": _lines("""
            Errors are back since the overnight restart
            Branch reports the same symptoms again
            Monitoring shows it returning under load
        """),
        "billing": _lines("""
            Customer says the corrected document is still wrong
            Refund still not on their statement
            Customer disputes the adjusted amount
        """),
    },
    "zh": {
        "desk": (
            "客户反馈问题又出现了",
            "周末过后又出现同样的报错",
            "只修好了一台电脑，另一台还不行",
        ),
        "infra": (
            "夜间重启后又开始报错",
            "分公司反馈又出现同样的情况",
            "监控显示高峰时段问题再次出现",
        ),
        "billing": (
            "客户反馈更正后的单据还是不对",
            "客户说退款仍未到账",
            "客户对调整后的金额有异议",
        ),
    },
}
_REFIX: _ByFamily = {  # the solution note the second time round
    "en": {
        "desk": _lines("""
            Found a leftover setting on the second machine; cleaned it up, checked with the user.
            Replaced the part instead of patching it; customer confirmed it's stable.
        """),
        "infra": _lines("""
            The fix had reached one node only; applied it everywhere and added an alert.
            Made the change permanent in config management so a restart can't undo it.
        """),
        "billing": _lines("""
            Re-checked with finance, corrected the remaining line, sent written confirmation.
            Bank confirmed the transfer; sent the customer the trace reference.
        """),
    },
    "zh": {
        "desk": (
            "第二台电脑上还有旧配置，已清理并和客户确认。",
            "直接更换了配件，客户确认已稳定。",
        ),
        "infra": (
            "之前只修复了一个节点，已全部修复并加了告警。",
            "已把修改写入配置管理，重启也不会再丢失。",
        ),
        "billing": (
            "与财务重新核对，更正了剩余差异并发送书面确认。",
            "银行已确认到账，已把查询流水号发给客户。",
        ),
    },
}
_CLOSE = {
    "en": ("Customer confirmed it works", "No reply for three days after the fix", ""),
    "zh": ("客户确认已解决", "修复后三天无回复，关闭", ""),
}


# -- planning -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    after: timedelta  # since the ticket was created
    actor: str
    kind: str
    text: str = ""
    args: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Cast:
    creator: str
    assignee: str
    supervisor: str
    lang: str  # en or zh: the language the desk writes in on this ticket
    family: str  # desk, infra or billing: which phrases fit
    team: str


@dataclass
class _Plan:
    index: int
    created_at: datetime
    title: str
    description: str
    priority: str  # at creation; a priority step may change it
    category: str
    customer: str
    channel: str
    tags: tuple[str, ...]
    steps: list[_Step]


@dataclass
class _Slot:
    """One ticket's fate before its story is written."""

    status: str
    priority: str
    lang: str
    channel: str
    reopened: bool = False
    special: str = ""  # when:clock:status, e.g. "soon:fr:new" (see _special)
    mine: bool = False


_SOON = ("fr:new", "res:in_progress", "fr:assigned", "res:in_progress")
_LATE = ("res:in_progress", "fr:new")
_REOPENED_AS = ("in_progress", "closed", "resolved")
_ALWAYS_ON = ("P0", "P1")  # round-the-clock targets by default, so "soon" is always soon


def _deal(rng: random.Random, n: int, shares: dict[str, int]) -> list[str]:
    """``n`` labels in the given shares (each at least once when ``n`` allows), shuffled."""
    total = sum(shares.values())
    exact = {k: n * w / total for k, w in shares.items()}
    counts = {k: int(v) for k, v in exact.items()}
    if n >= len(shares):
        counts = {k: max(1, c) for k, c in counts.items()}
    while sum(counts.values()) < n:
        k = max(exact, key=lambda k: exact[k] - counts[k])
        counts[k] += 1
    while sum(counts.values()) > n:
        k = max(counts, key=lambda k: counts[k])
        counts[k] -= 1
    labels = [k for k in shares for _ in range(counts[k])]
    rng.shuffle(labels)
    return labels


def _slots(rng: random.Random, n: int, me: str | None) -> list[_Slot]:
    slots = [
        _Slot(*fate)
        for fate in zip(
            _deal(rng, n, _STATUS_SHARE),
            _deal(rng, n, _PRIORITY_SHARE),
            _deal(rng, n, _LANGUAGE_SHARE),
            _deal(rng, n, _CHANNEL_SHARE),
            strict=True,
        )
    ]
    wanted = [("soon:" + s) for s in _cycle(_SOON, round(n / 25))]
    wanted += [("late:" + s) for s in _cycle(_LATE, round(n / 60))]
    for special in wanted:
        status = special.rsplit(":", 1)[1]
        free = [s for s in slots if not s.special and s.status == status]
        urgent = [s for s in free if s.priority in _ALWAYS_ON]
        if urgent or free:
            slot = (urgent or free)[0]
            slot.special = special
            slot.priority = slot.priority if urgent else "P1"
    # Reopened tickets: one back in progress and one each resolved and closed once more,
    # then the rest among the solved ones.
    plain = [s for s in slots if not s.special]
    firsts = [next((s for s in plain if s.status == k), None) for k in _REOPENED_AS]
    solved = [s for s in plain if s.status in ("resolved", "closed")]
    for slot in [s for s in firsts if s is not None] + solved:
        if sum(s.reopened for s in slots) < round(n / 20):
            slot.reopened = True
    if me is not None:
        # Every third ticket someone holds in the open queue, and a few old ones, are mine.
        held = [s for s in slots if s.status in ("assigned", "in_progress", "pending")]
        for slot in held[::3]:
            slot.mine = True
        for slot in [s for s in slots if s.status in ("resolved", "closed")][::12]:
            slot.mine = True
    return slots


def _cycle(pattern: Sequence[str], count: int) -> list[str]:
    return [pattern[i % len(pattern)] for i in range(count)]


def _plan(
    rng: random.Random,
    now: datetime,
    n: int,
    staff: dict[str, _Member],
    me: str | None,
    rules: SlaRules,
) -> list[_Plan]:
    plans = []
    used: Counter[_Issue] = Counter()
    for index, slot in enumerate(_slots(rng, n, me)):
        issue = _pick_issue(rng, slot, used)
        channel = slot.channel
        if issue.channels and channel not in issue.channels:
            channel = rng.choice(issue.channels)
        cast = _cast(rng, issue, slot, staff, me)
        text_lang = "en" if issue.lang == "en" else "zh"
        customer = rng.choice(_CUSTOMERS[text_lang])
        if issue.lang == "mix" and rng.random() < 0.3:
            customer = rng.choice(_CUSTOMERS["en"])
        title, description = _words(rng, issue, slot.priority, channel, now)
        if slot.special:
            facts = ClockFacts(
                now,
                slot.priority,
                tier="vip" if customer in _VIP else "standard",
                category=issue.category,
                channel=channel,
            )
            story, age = _special(rng, slot, cast, _Deadline(rules, facts), now)
            first_priority = slot.priority
        else:
            story, age, first_priority = _story(rng, slot, cast, issue.fix)
        tags = issue.tags + (("vip",) if customer in _VIP and rng.random() < 0.5 else ())
        plans.append(
            _Plan(
                index=index,
                created_at=now - timedelta(seconds=round(age.total_seconds())),
                title=title,
                description=description,
                priority=first_priority,
                category=issue.category,
                customer=customer,
                channel=channel,
                tags=tags,
                steps=story.steps,
            )
        )
    return plans


def _pick_issue(rng: random.Random, slot: _Slot, used: Counter[_Issue]) -> _Issue:
    """An issue that fits the slot's language and priority, least used first."""
    fits = [i for i in _ISSUES if i.lang == slot.lang and slot.priority in i.priorities]
    if not fits:  # no such issue in mixed language: any Chinese one will do
        fits = [i for i in _ISSUES if i.lang != "en" and slot.priority in i.priorities]
    fewest = min(used[i] for i in fits)
    choice = rng.choice([i for i in fits if used[i] == fewest])
    used[choice] += 1
    return choice


def _cast(
    rng: random.Random,
    issue: _Issue,
    slot: _Slot,
    staff: dict[str, _Member],
    me: str | None,
) -> _Cast:
    """Who logs the ticket, who works it and who supervises: by area, language and skill."""
    lang = "en" if issue.lang == "en" else "zh"
    team = _AREA_TEAM[issue.area]
    if lang == "zh" and team != "Billing":
        team = "客服一组"
    members = [m for m in staff.values() if m.team == team and m.role != "director"]
    speakers = [m for m in members if lang in m.skills] or members
    path = issue.category.lower()
    weights = [
        (1 if m.role == "supervisor" else 3) * (2 if any(s in path for s in m.skills) else 1)
        for m in speakers
    ]
    assignee = rng.choices(speakers, weights)[0].handle
    creator = rng.choice(_FRONT_LINE[lang])
    if slot.mine and me is not None:
        assignee = me
    return _Cast(creator, assignee, _SUPERVISOR[team], lang, issue.family, team)


def _words(
    rng: random.Random, issue: _Issue, priority: str, channel: str, now: datetime
) -> tuple[str, str]:
    """The title and description as the customer (or the desk, for a call) put them."""
    lang = "en" if issue.lang == "en" else "zh"
    values = {k: rng.choice(v) for k, v in _FILLS.items()}
    values.update(
        n=str(rng.randint(3, 40)),
        floor=str(rng.randint(2, 12)),
        invoice=f"INV-{now.year}-{rng.randint(1000, 9999)}",
        order=f"SO-{rng.randint(10000, 99999)}",
        amount=f"${rng.randint(40, 4800):,}.00",
        amount_zh=f"¥{rng.randint(99, 38000):,}",
        year=str(now.year - rng.choice((0, 0, 1))),
        q=str((now.month - 1) // 3 + 1),
    )
    title = rng.choice(issue.titles).format_map(values)
    roll = rng.random()
    if priority in ("P0", "P1") and roll < 0.3:
        title = rng.choice(_URGENT[lang]) + title
    elif channel == "email" and roll < 0.15:
        title = rng.choice(_THREAD[lang]) + title
    description = issue.description.format_map(values)
    # Only written messages are signed.
    tails = [t for t in _TAILS[lang] if channel in ("email", "web") or "{sign}" not in t]
    tail = rng.choice(tails).format_map(values)
    if tail:
        description += ("" if lang == "zh" else " ") + tail
    description = _INTAKE.get((channel, lang), "") + description
    return title, description


# -- a ticket's story -----------------------------------------------------------------------


class _Story:
    """A ticket's steps, as offsets from its creation, kept in order."""

    def __init__(self, rng: random.Random, cast: _Cast) -> None:
        self.rng = rng
        self.cast = cast
        self.steps: list[_Step] = [_Step(timedelta(0), cast.creator, "create")]

    @property
    def end(self) -> timedelta:
        return self.steps[-1].after

    def add(self, after: timedelta, actor: str, kind: str, text: str = "", **args: str) -> None:
        after = max(timedelta(seconds=round(after.total_seconds())), self.end + _MIN_GAP)
        self.steps.append(_Step(after, actor, kind, text, args))

    def say(self, table: Mapping[str, Sequence[str]]) -> str:
        return self.rng.choice(table[self.cast.lang])

    def say_about(self, table: Mapping[str, Mapping[str, tuple[Any, ...]]]) -> Any:
        """A line from a by-family table: one for any ticket, or for this ticket's family."""
        lines = table[self.cast.lang]
        return self.rng.choice(lines.get("any", ()) + lines.get(self.cast.family, ()))

    def escalation(self) -> tuple[str, str, str]:
        reason, progress, help_needed = self.say_about(_ESCALATION)
        return reason, progress, help_needed

    def note_text(self) -> str:
        others = [m for m in _STAFF if m.handle != self.cast.assignee and m.role != "director"]
        peers = [m.handle for m in others if m.team == self.cast.team] or [m.handle for m in others]
        return self.say_about(_NOTE).format(
            time=self.rng.choice(_FILLS["time"]), peer=self.rng.choice(peers)
        )

    def triage(self, fr: timedelta, *, late: bool = False) -> None:
        """Assignment, start of work and the first public reply."""
        rng, c = self.rng, self.cast
        reply_at = fr * (rng.uniform(1.15, 2.2) if late else rng.uniform(0.3, 0.9))
        if c.assignee == c.supervisor or rng.random() < 0.5:
            self.add(reply_at * rng.uniform(0.15, 0.6), c.assignee, "take")
        else:
            self.add(reply_at * rng.uniform(0.1, 0.35), c.supervisor, "assign", to=c.assignee)
            self.add(reply_at * rng.uniform(0.45, 0.8), c.assignee, "start")
        self.add(reply_at, c.assignee, "reply", self.say(_ACK))

    def work(
        self,
        until: timedelta,
        *,
        move: tuple[str, str] | None = None,
        escalate: bool = False,
        wait: timedelta | None = None,
        wait_last: bool = False,
        brief: bool = False,
    ) -> timedelta:
        """Notes, updates and the odd escalation up to ``until`` (clock time); a wait on the
        customer adds ``wait`` of paused time, which is returned. ``brief``: fewer words."""
        rng, c = self.rng, self.cast
        notes = (0, 0, 1, 1, 2) if brief else (0, 1, 1, 2, 3)
        updates = (0, 0, 0, 1) if brief else (0, 0, 1, 1, 2)
        items = ["note"] * rng.choice(notes) + ["update"] * rng.choice(updates)
        if move:
            items.append("priority")
        if escalate:
            items.append("escalate")
        rng.shuffle(items)
        if wait is not None:
            items.insert(len(items) if wait_last else rng.randint(0, len(items)), "wait")
        begin = self.end
        span = max(until - begin, _MINUTE * len(items))
        shift = timedelta(0)
        for item, x in zip(items, sorted(rng.uniform(0.05, 0.95) for _ in items), strict=True):
            at = begin + span * x + shift
            if item == "note":
                author = c.supervisor if rng.random() < 0.2 else c.assignee
                self.add(at, author, "note", self.note_text())
            elif item == "update":
                self.add(at, c.assignee, "reply", self.say_about(_UPDATE))
            elif item == "priority" and move:
                self.add(
                    at, rng.choice((c.assignee, c.supervisor)), "priority", move[1], to=move[0]
                )
            elif item == "escalate":
                reason, progress, help_needed = self.escalation()
                self.add(at, c.assignee, "escalate", reason, progress=progress, help=help_needed)
                if rng.random() < 0.6:
                    watcher = _DIRECTOR if c.lang == "en" else c.supervisor
                    self.add(
                        self.end + _MINUTE * rng.uniform(2, 20), watcher, "note", _WATCHING[c.lang]
                    )
            elif item == "wait" and wait is not None:
                self.add(at, c.assignee, "reply", self.say_about(_ASK))
                self.add(self.end + _MINUTE * rng.uniform(1, 6), c.assignee, "pending")
                if wait_last:
                    return shift
                shift += wait
                self.add(self.end + wait, c.assignee, "note", self.say_about(_CUSTOMER_BACK))
                self.add(self.end + _MINUTE * rng.uniform(2, 15), c.assignee, "resume")
        return shift


def _story(rng: random.Random, slot: _Slot, cast: _Cast, fix: str) -> tuple[_Story, timedelta, str]:
    """The steps of one ticket, how long ago it was created, and its first priority."""
    st = _Story(rng, cast)
    first, move = slot.priority, None
    if slot.status != "new" and slot.status != "assigned" and rng.random() < 0.12:
        # Open tickets only ever calm down, so the change never breaches them.
        p = slot.priority
        harder = slot.status in ("resolved", "closed") and p != "P3"
        harder = harder and (p == "P0" or rng.random() < 0.5)
        if p != "P0" or harder:
            first = _neighbour(p, less_urgent=harder)
            move = (p, st.say(_MORE_URGENT if harder else _LESS_URGENT))
    if slot.status == "new":
        age = _unassigned(st, slot)
    elif slot.status == "assigned":
        age = _handed_over(st, slot)
    elif slot.status in ("in_progress", "pending") and not slot.reopened:
        age = _in_hand(st, slot, move)
    else:
        age = _solved(st, slot, move, fix)
    return st, max(age, st.end + _MINUTE), first


def _unassigned(st: _Story, slot: _Slot) -> timedelta:
    """New and nobody's yet: young enough that the first response is still in time."""
    rng, c = st.rng, st.cast
    age = _FIRST_RESPONSE[slot.priority] * rng.uniform(0.05, 0.85)
    if rng.random() < 0.25 and age > 4 * _MINUTE:
        st.add(age * rng.uniform(0.3, 0.8), c.supervisor, "note", st.say(_HOLD))
    return age


def _handed_over(st: _Story, slot: _Slot) -> timedelta:
    """Assigned but not started; maybe the front line has already answered."""
    rng, c = st.rng, st.cast
    fr, res = _FIRST_RESPONSE[slot.priority], _RESOLUTION[slot.priority]
    if rng.random() < 0.5:
        st.add(fr * rng.uniform(0.3, 0.8), c.creator, "reply", st.say(_PASSED_ON))
        st.add(st.end + _MINUTE * rng.uniform(1, 20), _assigner(c), "assign", to=c.assignee)
        return st.end + res * rng.uniform(0.03, 0.2)
    age = fr * rng.uniform(0.4, 0.85)
    st.add(age * rng.uniform(0.2, 0.7), _assigner(c), "assign", to=c.assignee)
    return age


def _in_hand(st: _Story, slot: _Slot, move: tuple[str, str] | None) -> timedelta:
    """Being worked on, or waiting on the customer, within the resolution target."""
    rng, p = st.rng, slot.priority
    st.triage(_FIRST_RESPONSE[p])
    budget = _RESOLUTION[p] * rng.uniform(0.2, 0.7)
    escalate = p in ("P0", "P1") and rng.random() < 0.2
    if slot.status == "pending":
        pause = (_HOUR * 3 if p in ("P0", "P1") else _HOUR * 20) * rng.uniform(0.1, 1)
        st.work(budget, move=move, escalate=escalate, wait=pause, wait_last=True)
        return st.end + pause
    pause = _HOUR * rng.uniform(0.5, 12)
    wait = pause if p in ("P2", "P3") and rng.random() < 0.2 else None
    return budget + st.work(budget * 0.9, move=move, escalate=escalate, wait=wait)


def _solved(st: _Story, slot: _Slot, move: tuple[str, str] | None, fix: str) -> timedelta:
    """Worked to a solution (now and then late), maybe reopened, maybe closed."""
    rng, c, p, status = st.rng, st.cast, slot.priority, slot.status
    res = _RESOLUTION[p]
    history = status in ("resolved", "closed")
    late_fix = history and rng.random() < 0.1
    st.triage(_FIRST_RESPONSE[p], late=history and rng.random() < 0.08)
    if slot.reopened:
        until = res * rng.uniform(0.2, 0.5)
    else:
        until = res * (rng.uniform(1.05, 1.6) if late_fix else rng.uniform(0.25, 0.9))
    until = max(until, st.end + 10 * _MINUTE)
    escalate = rng.random() < (0.5 if late_fix else 0.06)
    # Nobody leaves an outage waiting on the customer for long, or at all.
    longest = {"P0": 0, "P1": 3, "P2": 20, "P3": 20}[p]
    wait = _HOUR * rng.uniform(0.5, longest) if longest and rng.random() < 0.25 else None
    brief = status == "closed" and not slot.reopened
    until += st.work(until, move=move, escalate=escalate, wait=wait, brief=brief)
    _resolve(st, until, fix)
    closer = rng.choice((c.assignee, c.supervisor))
    if slot.reopened:
        if rng.random() < 0.5:
            st.add(st.end + _HOUR * rng.uniform(2, 48), closer, "close", st.say(_CLOSE))
        st.add(st.end + _HOUR * rng.uniform(1, 48), c.assignee, "reopen", st.say_about(_REOPEN))
        st.add(st.end + res * rng.uniform(0.01, 0.04), c.assignee, "note", st.note_text())
        st.add(st.end + res * rng.uniform(0.02, 0.06), c.assignee, "reply", st.say(_BACK_ON_IT))
        if status == "in_progress":
            return st.end + res * rng.uniform(0.02, 0.15)
        _resolve(st, st.end + res * rng.uniform(0.1, 0.4), st.say_about(_REFIX))
    if status == "closed":
        st.add(st.end + _HOUR * rng.uniform(2, 72), closer, "close", st.say(_CLOSE))
        return max(_DAY * rng.uniform(1, 10), st.end + _MINUTE * rng.uniform(10, 1440))
    return st.end + _MINUTE * rng.uniform(20, 3600)


def _assigner(c: _Cast) -> str:
    return c.supervisor if c.supervisor != c.assignee else c.creator


@dataclass(frozen=True)
class _Deadline:
    """Due times under the desk's rules for a ticket created at any moment."""

    rules: SlaRules
    facts: ClockFacts  # created_at is replaced

    def due(self, clock: str, created: datetime) -> datetime:
        sla = SlaClock(self.rules, replace(self.facts, created_at=created))
        return sla.first_response_due() if clock == "fr" else sla.resolution_due()

    def created_for(self, clock: str, due: datetime) -> datetime:
        """The latest creation time whose ``clock`` falls due by ``due`` (bisection: due
        times only move forward with the creation time)."""
        lo, hi = due - 60 * _DAY, due
        for _ in range(36):
            mid = lo + (hi - lo) / 2
            lo, hi = (mid, hi) if self.due(clock, mid) <= due else (lo, mid)
        return lo.replace(microsecond=0)


def _special(
    rng: random.Random, slot: _Slot, cast: _Cast, deadline: _Deadline, now: datetime
) -> tuple[_Story, timedelta]:
    """A ticket whose first-response or resolution deadline is minutes away ("soon"), or
    already passed ("late"), under the desk's rules."""
    when, clock, status = slot.special.split(":")
    span = deadline.due(clock, now) - now  # the target's length, for a ticket made now
    if when == "soon":
        due = now + min(span * rng.uniform(0.05, 0.6), _MINUTE * rng.uniform(20, 55))
    else:
        due = now - min(span * rng.uniform(0.1, 0.6), _HOUR * rng.uniform(1, 6))
    created = deadline.created_for(clock, due)
    age = now - created
    st = _Story(rng, cast)
    if status == "new":
        if rng.random() < 0.5:
            st.add(age * rng.uniform(0.3, 0.7), cast.supervisor, "note", st.say(_HOLD))
    elif status == "assigned":
        st.add(age * rng.uniform(0.2, 0.6), _assigner(cast), "assign", to=cast.assignee)
    else:  # in progress, first response in time
        fr = deadline.due("fr", created) - created
        res = deadline.due("res", created) - created
        st.triage(min(fr, age * 0.3))
        st.work(min(age * 0.6, res * 0.6))
        if when == "late" or rng.random() < 0.3:
            reason, progress, help_needed = st.escalation()
            at = st.end + (age - st.end) * rng.uniform(0.5, 0.9)
            st.add(at, cast.assignee, "escalate", reason, progress=progress, help=help_needed)
    return st, age


def _resolve(st: _Story, at: timedelta, fix: str) -> None:
    c = st.cast
    if st.rng.random() < 0.7:
        st.add(at - _MINUTE * st.rng.uniform(1, 10), c.assignee, "reply", st.say(_FIXED))
    st.add(at, c.assignee, "resolve", fix)


def _neighbour(priority: str, *, less_urgent: bool) -> str:
    i = fields.PRIORITIES.index(priority) + (1 if less_urgent else -1)
    return fields.PRIORITIES[i]


# -- playing the plans ------------------------------------------------------------------------


class _Clock:
    """The moment the Desk thinks it is; moved to each step in turn."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class _Scribe(Desk):
    """The Desk, except that a change hands back only the ticket's own row (no names of what
    it points at, no conversation, audit trail or SLA). The demo reads the desk once at the
    end; reading every ticket back in full after each of its thousands of changes would
    take about half the time of a fill."""

    def get(self, key: str) -> TicketView:
        with self.store.read() as s:
            ticket = queries.ticket_by_number(s, fields.ticket_number(key))
        if ticket is None:  # not after a change that succeeded
            return super().get(key)
        return TicketView.from_row((ticket, None, None, None, None, None))


def _play(
    store: Store,
    now: datetime,
    plans: list[_Plan],
    staff: dict[str, _Member],
    me: str | None,
    rules: SlaRules,
) -> DemoSummary:
    clock = _Clock(now)
    desks: dict[str, Desk] = {}

    def desk(handle: str) -> Desk:
        if handle not in desks:
            desks[handle] = _Scribe(store, handle, now=clock, rules=rules)
        return desks[handle]

    for plan in sorted(plans, key=lambda p: (p.created_at, p.index)):
        first, *rest = plan.steps
        clock.at = plan.created_at
        view = desk(first.actor).create(
            plan.title,
            priority=plan.priority,
            category=plan.category,
            customer=plan.customer,
            vip=plan.customer in _VIP,
            channel=plan.channel,
            description=plan.description,
            tags=plan.tags,
        )
        for step in rest:
            clock.at = plan.created_at + step.after
            view = _act(desk(step.actor), view.key, step)

    reader = Desk(store, _STAFF[0].handle, now=lambda: now, rules=rules)
    views = reader.list(statuses=[s.value for s in Status])
    open_ = [v for v in views if v.status in OPEN]
    return DemoSummary(
        tickets=len(views),
        agents=len(staff) + (1 if me is not None and me not in staff else 0),
        teams=len(_TEAMS),
        customers=len({v.customer for v in views}),
        by_status=_count([v.status for v in views], [s.value for s in Status]),
        by_priority=_count([v.priority for v in views], list(fields.PRIORITIES)),
        by_channel=_count([v.channel for v in views], list(fields.CHANNELS)),
        chinese=sum(_has_chinese(v.title) for v in views),
        reopened=sum(v.reopen_count > 0 for v in views),
        escalated=sum(v.escalation_level > 0 for v in views),
        near_deadline=sum(_due_within(v, now, _HOUR) for v in open_),
        overdue=sum(_breached(v) for v in open_),
        me=me,
        mine=sum(v.assignee == me for v in open_) if me else 0,
        first_created=min((v.created_at for v in views), default=None),
    )


def _clocks(view: TicketView) -> tuple[ClockReading, ...]:
    return (view.sla.first_response, view.sla.resolution) if view.sla else ()


def _due_within(view: TicketView, now: datetime, ahead: timedelta) -> bool:
    """Whether a running clock of the ticket falls due after ``now`` but within ``ahead``."""
    return any(c.state not in _STOPPED and now < c.due_at <= now + ahead for c in _clocks(view))


def _breached(view: TicketView) -> bool:
    return any(c.state == ClockState.BREACHED for c in _clocks(view))


_STOPPED = (ClockState.MET, ClockState.MISSED, ClockState.PAUSED)


def _act(desk: Desk, key: str, step: _Step) -> TicketView:
    """One step of a story, through the Desk."""
    kind, text, args = step.kind, step.text, step.args
    if kind == "assign":
        return desk.assign(key, args["to"])
    if kind == "take":
        return desk.take(key)
    if kind in ("start", "resume"):
        return desk.transition(key, Status.IN_PROGRESS)
    if kind == "pending":
        return desk.transition(key, Status.PENDING)
    if kind == "resolve":
        return desk.transition(key, Status.RESOLVED, reason=text)
    if kind == "close":
        return desk.transition(key, Status.CLOSED, reason=text or None)
    if kind == "reply":
        return desk.reply(key, text)
    if kind == "note":
        return desk.note(key, text)
    if kind == "priority":
        return desk.change_priority(key, args["to"], reason=text)
    if kind == "escalate":
        return desk.escalate(key, reason=text, progress=args["progress"], help_needed=args["help"])
    if kind == "reopen":
        return desk.reopen(key, reason=text)
    raise AssertionError(f"unknown demo step {kind!r}")


def _count(values: list[str], order: list[str]) -> dict[str, int]:
    counts = Counter(values)
    return {k: counts[k] for k in order if counts[k]} | {
        k: v for k, v in counts.items() if k not in order
    }


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)

//! Realistic HR library content for `herald demo` and the benchmarks.
//!
//! Items are assembled from topic templates (benefits, policies, guidelines,
//! forms, FAQs…) whose slots — plans, percentages, dates, amounts, teams,
//! regions — are filled from a seeded generator, so the same seed always
//! gives the same library and 100,000 items stay varied and plausible.

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

#[derive(Clone, Debug)]
pub struct DemoItem {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub kind: &'static str,
    pub category: &'static str,
    pub tags: Vec<String>,
    pub external_url: Option<String>,
    pub audience_departments: Vec<String>,
    pub audience_locations: Vec<String>,
    pub published: bool,
}

pub const DEPARTMENTS: &[&str] = &["Finance", "Engineering", "Sales", "Operations", "Customer Support", "Marketing", "Legal", "People", "Facilities"];
pub const LOCATIONS: &[&str] = &["Lisbon", "Porto", "Dublin", "Toronto", "Austin", "Singapore"];

struct Topic {
    kind: &'static str,
    category: &'static str,
    tags: &'static [&'static str],
    titles: &'static [&'static str],
    summaries: &'static [&'static str],
    overview: &'static [&'static str],
    details_heading: &'static str,
    details: &'static [&'static str],
    how: &'static [&'static str],
    faq: &'static [(&'static str, &'static str)],
}

const TOPICS: &[Topic] = &[
    Topic {
        kind: "benefit", category: "Health & Wellness", tags: &["dental", "dependents", "coverage"],
        titles: &["Dental coverage for dependents", "Dental plan: what changes for {year}", "Orthodontic benefits for children"],
        summaries: &["How the {plan} dental plan covers you, your spouse and your children.", "Dependents' dental coverage, premiums and the orthodontic allowance for {year}."],
        overview: &["The {plan} dental plan covers employees and enrolled dependents from the first day of the month after you join. Preventive care such as cleanings and check-ups is covered in full.", "From {date}, dependents' dental coverage moves to the {plan} plan. Children remain covered until the end of the month in which they turn 26."],
        details_heading: "What is covered",
        details: &["Two cleanings and exams each year at no cost", "Fillings and extractions at {pct}% after the deductible", "Orthodontic treatment for dependents under 19 at {pct}%, up to a lifetime maximum of {amount}", "Crowns and bridges at 50% after a {wait}-month waiting period", "An annual maximum of {amount} per covered person", "Emergency dental care while travelling"],
        how: &["Add or remove dependents in the benefits portal within 30 days of a life event, or during open enrolment. Questions go to the {team}.", "Show your member card at any in-network dentist; out-of-network claims are reimbursed at the in-network rate."],
        faq: &[("Are step-children covered?", "Yes, when they live with you and are enrolled as dependents."), ("What happens to orthodontic treatment already in progress?", "Treatment that started before the change continues to be covered until it ends.")],
    },
    Topic {
        kind: "benefit", category: "Health & Wellness", tags: &["vision", "glasses", "coverage"],
        titles: &["Vision plan", "Glasses and contact lenses allowance", "Eye care benefit for {year}"],
        summaries: &["Eye exams, glasses and contact lenses under the {plan} vision plan.", "Your yearly allowance for frames, lenses and contacts."],
        overview: &["Everyone enrolled in medical coverage is also enrolled in the {plan} vision plan. An eye exam is covered once every 12 months."],
        details_heading: "Your allowance",
        details: &["Frames or contact lenses up to {amount} every 24 months", "Lenses covered in full, including anti-glare coating", "A {pct}% discount on laser eye surgery at partner clinics", "Safety glasses for roles that need them, paid by the company"],
        how: &["Book with an in-network optician and show your member card, or pay and submit the receipt within 90 days."],
        faq: &[("Can I use the allowance for sunglasses?", "Only prescription sunglasses are covered.")],
    },
    Topic {
        kind: "benefit", category: "Health & Wellness", tags: &["medical", "premium", "deductible"],
        titles: &["Medical plan options", "Comparing the {plan} and high-deductible plans", "Medical premiums and deductibles for {year}"],
        summaries: &["Premiums, deductibles and out-of-pocket maximums of each medical plan.", "Choosing between the medical plans at open enrolment."],
        overview: &["Herald lists three medical plans. The {plan} plan has the lowest deductible; the high-deductible plan pairs with a health savings account to which the company contributes {amount} a year."],
        details_heading: "Plan details",
        details: &["Employee-only premium of {money} per month", "Family premium of {money} per month", "Deductible of {amount} for individuals", "Out-of-pocket maximum of {amount} per person", "Preventive care covered in full on every plan", "Telemedicine visits at no cost"],
        how: &["Compare the plans side by side in the benefits portal, then choose during open enrolment between {date} and the end of the month."],
        faq: &[("Can I change plans mid-year?", "Only after a qualifying life event such as marriage, birth or adoption.")],
    },
    Topic {
        kind: "benefit", category: "Retirement", tags: &["401k", "retirement", "match"],
        titles: &["401(k) company match", "Retirement savings plan", "Pension contributions in {region}"],
        summaries: &["How much the company adds to your retirement savings and when it vests.", "Enrol, change your contribution and understand the company match."],
        overview: &["The company matches {pct}% of the first 6% of salary you contribute. Matching contributions vest over {wait} years of service."],
        details_heading: "How the match works",
        details: &["You can contribute from your first paycheck", "Contributions are taken before tax", "Change your rate at any time in the payroll portal", "Catch-up contributions are available from age 50", "A financial adviser session each year is free"],
        how: &["Set your contribution rate in the payroll portal. Changes apply from the next pay cycle."],
        faq: &[("What if I leave before the match vests?", "You keep your own contributions and the vested part of the match.")],
    },
    Topic {
        kind: "policy", category: "Time Off", tags: &["leave", "parental", "family"],
        titles: &["Parental leave policy", "Adoption and parental leave", "Parental leave in {region}"],
        summaries: &["Paid leave for birth, adoption and foster parents.", "{weeks} weeks of paid parental leave and how to plan it with your manager."],
        overview: &["Every parent, whatever their gender, receives {weeks} weeks of fully paid leave after the birth, adoption or foster placement of a child. Leave can be taken in up to three blocks within the first year."],
        details_heading: "What the policy provides",
        details: &["{weeks} weeks at full pay", "A phased return at 80% hours and full pay for four weeks", "Continued benefits throughout the leave", "Time off for prenatal appointments", "A keep-in-touch allowance of up to 10 days"],
        how: &["Tell your manager and the {team} at least eight weeks before the leave starts, using the leave request form."],
        faq: &[("Do both parents get leave?", "Yes, both parents employed by the company receive the full entitlement.")],
    },
    Topic {
        kind: "policy", category: "Time Off", tags: &["leave", "bereavement"],
        titles: &["Bereavement leave", "Time off after a death in the family"],
        summaries: &["Paid time off when someone close to you dies.", "How many days of bereavement leave you have and how to take them."],
        overview: &["Employees may take up to {days} working days of paid bereavement leave after the death of a close family member, and up to two days for other relatives or friends."],
        details_heading: "Who counts as close family",
        details: &["Spouse or partner", "Children and step-children", "Parents and step-parents", "Siblings and grandparents", "Anyone you shared a home with"],
        how: &["Let your manager know as soon as you can. No documentation is required."],
        faq: &[("Can I take the days later?", "Yes, within three months, for example for a funeral abroad.")],
    },
    Topic {
        kind: "policy", category: "Time Off", tags: &["pto", "vacation", "accrual"],
        titles: &["Paid time off and vacation", "Vacation accrual and carry-over", "Holiday calendar {year}"],
        summaries: &["How vacation days accrue, carry over and are approved.", "Public holidays and company-wide days off in {year}."],
        overview: &["Full-time employees accrue {days} days of paid time off a year, rising by one day for each year of service up to 30 days. Up to five unused days carry over to the next year."],
        details_heading: "Rules",
        details: &["Request time off at least two weeks ahead for absences over three days", "Managers answer requests within five working days", "Unused days above the carry-over limit expire on {date}", "Company-wide shutdown between Christmas and New Year", "Sick days are separate and do not reduce your vacation"],
        how: &["Request time off in the HR portal; your manager is notified by email."],
        faq: &[("Is vacation paid out when I leave?", "Accrued, unused days are paid out in your final pay.")],
    },
    Topic {
        kind: "guideline", category: "Workplace", tags: &["telecommuting", "remote", "hybrid"],
        titles: &["Telecommuting guideline", "Working from home", "Hybrid work arrangements in {region}"],
        summaries: &["How remote and hybrid work is agreed, equipped and supported.", "Expectations for working from home, core hours and equipment."],
        overview: &["Most roles may work remotely up to three days a week by agreement with their manager. Core collaboration hours are 10:00 to 15:00 local time."],
        details_heading: "Expectations",
        details: &["Be reachable during core hours", "Use a secure, private space for confidential calls", "A one-off home office allowance of {amount}", "Monthly internet stipend of {money}", "Working from another country needs HR approval first"],
        how: &["Agree your pattern with your manager and record it in the HR portal. Request equipment with the remote equipment form."],
        faq: &[("Can I work from abroad?", "For up to 20 days a year, after approval from the {team}.")],
    },
    Topic {
        kind: "guideline", category: "Health & Wellness", tags: &["flu-season", "vaccination", "health"],
        titles: &["Flu season guideline", "Staying well during flu season", "Free flu vaccinations {year}"],
        summaries: &["Free flu shots, staying home when sick, and keeping the office healthy.", "When and where to get your free flu vaccination."],
        overview: &["Flu vaccinations are free for employees and their dependents from {date}. On-site clinics run in every office for two weeks."],
        details_heading: "Please",
        details: &["Stay home if you have a fever and do not come back until 24 hours after it ends", "Use sick days: no doctor's note is needed for up to three days", "Wash hands often and use the hand sanitiser stations", "Book the on-site clinic in the wellness portal", "Vaccinations at a pharmacy are reimbursed in full"],
        how: &["Book a slot in the wellness portal or bring the pharmacy receipt to the expense system."],
        faq: &[("Are family members covered?", "Yes, dependents enrolled in medical coverage get free vaccinations.")],
    },
    Topic {
        kind: "policy", category: "Pay & Compensation", tags: &["expenses", "reimbursement", "travel"],
        titles: &["Expense reimbursement policy", "Business travel policy", "Meals and per diem rates"],
        summaries: &["What the company pays for when you travel or spend on its behalf.", "Booking travel, per diems and submitting receipts."],
        overview: &["Reasonable business expenses are reimbursed within {days} working days of approval. Economy class is the default for flights under six hours."],
        details_heading: "Limits",
        details: &["Hotel up to {money} per night in most cities", "Daily meal allowance of {money}", "Receipts needed for anything over 25", "Submit claims within 60 days", "Personal upgrades are not reimbursed"],
        how: &["Book through the travel portal and submit receipts in the expense system; your manager approves."],
        faq: &[("Is mileage reimbursed?", "Yes, at the published rate per kilometre for business trips.")],
    },
    Topic {
        kind: "policy", category: "Conduct", tags: &["conduct", "harassment", "respect"],
        titles: &["Code of conduct", "Anti-harassment and respect at work", "Speak-up and whistleblowing"],
        summaries: &["The standards we hold each other to, and how to raise a concern safely.", "How to report harassment or misconduct, anonymously if you prefer."],
        overview: &["Everyone deserves a workplace free of harassment, discrimination and retaliation. Concerns can be raised with your manager, the {team}, or anonymously through the speak-up line."],
        details_heading: "Ways to raise a concern",
        details: &["Talk to your manager or their manager", "Write to the {team}", "Use the anonymous speak-up form, available day and night", "Call the independent hotline", "Retaliation against anyone who raises a concern in good faith is itself misconduct"],
        how: &["Every report is acknowledged within two working days and investigated confidentially."],
        faq: &[("Will my manager find out?", "Only if they need to be involved, and never against your wishes for an anonymous report.")],
    },
    Topic {
        kind: "assistance", category: "Health & Wellness", tags: &["eap", "mental-health", "counselling"],
        titles: &["Employee assistance program", "Mental health support", "Free confidential counselling"],
        summaries: &["Free, confidential counselling for you and your family, day and night.", "Where to turn for stress, grief, money or relationship worries."],
        overview: &["The employee assistance program offers up to {days} free counselling sessions per issue each year, by phone, video or in person. Nobody at the company learns who used it."],
        details_heading: "Help with",
        details: &["Stress, anxiety and burnout", "Grief and bereavement", "Debt and money worries", "Legal questions", "Finding childcare or elder care", "Support for managers after a difficult conversation"],
        how: &["Call the 24-hour line or book online; no referral is needed."],
        faq: &[("Is it really confidential?", "Yes. The provider only reports anonymous totals to the company.")],
    },
    Topic {
        kind: "benefit", category: "Learning", tags: &["tuition", "learning", "education"],
        titles: &["Tuition reimbursement", "Learning budget", "Certifications and courses"],
        summaries: &["Money and time for courses, degrees and certifications.", "How to use your yearly learning budget."],
        overview: &["Each employee has a learning budget of {amount} a year for courses, books and conferences, plus five learning days."],
        details_heading: "Eligible",
        details: &["University courses related to your role or career path", "Professional certifications and exam fees", "Conference tickets", "Language courses", "Books and online subscriptions"],
        how: &["Ask your manager for approval before enrolling, then claim the cost in the expense system."],
        faq: &[("Do I have to pay it back if I leave?", "Only for degree programmes, pro rata within 12 months.")],
    },
    Topic {
        kind: "form", category: "Pay & Compensation", tags: &["payroll", "direct-deposit", "form"],
        titles: &["Direct deposit form", "Change of bank details", "Tax withholding form"],
        summaries: &["Tell payroll where to pay your salary.", "Update the bank account your salary is paid into."],
        overview: &["Use this form to set up or change the account your salary is paid into. Changes received before the 10th apply to that month's pay."],
        details_heading: "You will need",
        details: &["Your bank's name and branch", "Account number and routing code", "A voided cheque or bank letter", "Your employee number"],
        how: &["Fill in the form, sign it and upload it in the payroll portal. Payroll confirms by email."],
        faq: &[("Can I split my pay between accounts?", "Yes, into up to three accounts.")],
    },
    Topic {
        kind: "form", category: "Workplace", tags: &["equipment", "remote", "form"],
        titles: &["Remote equipment request form", "Ergonomic assessment request", "Office access badge request"],
        summaries: &["Request a monitor, chair or other equipment for home or office.", "Ask for an ergonomic assessment of your workstation."],
        overview: &["Employees working from home at least two days a week may request a monitor, keyboard, chair and headset. Items remain company property."],
        details_heading: "Available items",
        details: &["A 27-inch monitor", "An ergonomic chair up to {amount}", "Keyboard, mouse and headset", "A laptop stand", "A sit-stand desk after an ergonomic assessment"],
        how: &["Submit the form; Facilities ships items within {days} working days."],
        faq: &[("What if I already own a chair?", "You can use the home office allowance instead.")],
    },
    Topic {
        kind: "faq", category: "Enrolment", tags: &["open-enrollment", "enrolment", "deadline"],
        titles: &["Open enrolment FAQ", "Benefits enrolment questions", "Open enrollment {year}: dates and deadlines"],
        summaries: &["Answers to the most common questions about open enrolment.", "When open enrolment runs and what you need to do."],
        overview: &["Open enrolment runs from {date} for two weeks. It is the one time each year you can change medical, dental and vision plans without a life event."],
        details_heading: "Checklist",
        details: &["Review the plan comparison", "Check that your dependents are listed correctly", "Decide on your health savings contribution", "Name or update beneficiaries for life insurance", "Submit your choices before the deadline"],
        how: &["Make your choices in the benefits portal. If you do nothing, your current plans roll over."],
        faq: &[("What if I miss the deadline?", "Your current elections continue until next year."), ("Where do I see my choices?", "The confirmation statement is emailed to you and kept in the portal.")],
    },
    Topic {
        kind: "benefit", category: "Health & Wellness", tags: &["wellness", "stipend", "fitness"],
        titles: &["Wellness stipend", "Gym and fitness reimbursement", "Commuter benefit"],
        summaries: &["A monthly stipend for fitness, wellbeing or commuting.", "What the wellness stipend can be spent on."],
        overview: &["Every employee receives a wellness stipend of {money} a month, paid through payroll, for gym memberships, classes, sports equipment or meditation apps."],
        details_heading: "Eligible spending",
        details: &["Gym and studio memberships", "Sports club fees", "Running shoes and bicycles", "Transit passes and bike-share memberships", "Mindfulness and sleep apps"],
        how: &["Claim receipts in the expense system by the end of each quarter."],
        faq: &[("Is the stipend taxed?", "Yes, it is paid as taxable income.")],
    },
    Topic {
        kind: "benefit", category: "Insurance", tags: &["life-insurance", "disability", "insurance"],
        titles: &["Life insurance", "Short- and long-term disability", "Accident insurance"],
        summaries: &["Protection for you and your family if the unexpected happens.", "Income protection when illness keeps you from working."],
        overview: &["The company provides life insurance of twice your annual salary at no cost. You can buy additional cover for yourself and your spouse during open enrolment."],
        details_heading: "Cover",
        details: &["Basic life insurance of two times salary", "Optional extra cover up to five times salary", "Short-term disability at {pct}% of pay for up to 26 weeks", "Long-term disability at 60% of pay", "Accidental death and dismemberment cover"],
        how: &["Name your beneficiaries in the benefits portal and keep them up to date."],
        faq: &[("Do I need a medical exam?", "Only for optional cover above three times salary.")],
    },
    Topic {
        kind: "guideline", category: "IT & Security", tags: &["security", "passwords", "phishing"],
        titles: &["Password and account security", "Recognising phishing emails", "Data protection guideline"],
        summaries: &["How to keep your accounts and our employees' data safe.", "Handling personal data of employees and candidates."],
        overview: &["Use a password manager, turn on multi-factor authentication and never share your password, even with IT."],
        details_heading: "Remember",
        details: &["Report suspicious emails with the report button", "Lock your screen when you step away", "Store employee data only in approved systems", "Encrypt files with personal data before sending them outside the company", "Report a lost laptop or phone within one hour"],
        how: &["Contact the IT service desk for help setting up multi-factor authentication."],
        faq: &[("What if I clicked a phishing link?", "Report it straight away; you will not be blamed.")],
    },
    Topic {
        kind: "guideline", category: "Safety", tags: &["safety", "ergonomics", "workplace"],
        titles: &["Workplace safety", "Ergonomics at your desk", "Fire and evacuation procedures"],
        summaries: &["Keeping yourself and colleagues safe at work.", "Setting up a healthy workstation."],
        overview: &["Every office has trained first aiders and fire wardens, listed on the notice board by each exit."],
        details_heading: "Good practice",
        details: &["Report hazards and near misses in the safety portal", "Adjust your chair so your feet rest flat on the floor", "Keep the top of your screen at eye level", "Take a short break from the screen every hour", "Know your nearest exit and assembly point"],
        how: &["Request an ergonomic assessment from Facilities at any time."],
        faq: &[("Who do I tell about an accident?", "Your manager and the safety portal, within 24 hours.")],
    },
    Topic {
        kind: "faq", category: "Pay & Compensation", tags: &["pay", "overtime", "payroll"],
        titles: &["Pay day and payslips", "Overtime pay", "Pay transparency and salary bands"],
        summaries: &["When you are paid and how to read your payslip.", "How salary bands work and where to see yours."],
        overview: &["Salaries are paid on the {payday} working day of each month. Payslips are available in the payroll portal two days before."],
        details_heading: "Good to know",
        details: &["Overtime for eligible roles is paid at 1.5 times the hourly rate", "Salary bands for every role are published in the HR portal", "Pay reviews happen every year in {month}", "Bonuses are paid with the March salary", "Payroll questions go to the {team}"],
        how: &["Raise a payroll question in the HR portal; the team answers within two working days."],
        faq: &[("Why did my net pay change?", "Usually because of a tax code, benefit or pension change; your payslip shows each line.")],
    },
    Topic {
        kind: "policy", category: "Onboarding", tags: &["onboarding", "probation", "new-hires"],
        titles: &["Onboarding checklist", "Probation period", "Your first week"],
        summaries: &["What to expect in your first weeks and who to ask.", "How the probation period and its review work."],
        overview: &["New employees have a probation period of {months} months, with check-ins after 30, 60 and 90 days."],
        details_heading: "First week",
        details: &["Collect your laptop and badge", "Meet your onboarding buddy", "Complete the security and conduct training", "Enrol in benefits within 30 days", "Set goals with your manager"],
        how: &["Your manager and buddy guide you; the onboarding portal tracks each step."],
        faq: &[("Can probation be extended?", "Once, by up to three months, with a written plan.")],
    },
    Topic {
        kind: "policy", category: "Time Off", tags: &["jury-duty", "volunteering", "leave"],
        titles: &["Jury duty and civic leave", "Volunteer days", "Leave for medical appointments"],
        summaries: &["Paid time off for jury service, voting and volunteering.", "Two paid volunteer days every year."],
        overview: &["Employees called for jury service receive full pay for up to {weeks} weeks. Everyone also has two paid volunteer days a year."],
        details_heading: "Covered",
        details: &["Jury service and witness summons", "Time to vote in public elections", "Reserve military training", "Volunteering with a registered charity", "Blood and organ donation appointments"],
        how: &["Forward the summons to your manager and record the absence in the HR portal."],
        faq: &[("Do volunteer days carry over?", "No, they reset each calendar year.")],
    },
    Topic {
        kind: "benefit", category: "Pay & Compensation", tags: &["referral", "bonus", "recruiting"],
        titles: &["Employee referral bonus", "Relocation assistance", "Sign-on and retention bonuses"],
        summaries: &["Get a bonus when someone you refer joins.", "Support when the company asks you to move."],
        overview: &["When someone you refer is hired and completes three months, you receive a referral bonus of {amount}."],
        details_heading: "Rules",
        details: &["Refer through the careers portal before the candidate applies", "Hiring managers are not eligible for their own roles", "The bonus is paid with the next salary", "Relocation covers moving costs up to {amount}", "Temporary housing for up to 30 days"],
        how: &["Submit referrals in the careers portal; recruiting keeps you updated."],
        faq: &[("Can I refer a former colleague?", "Yes, former employees count as new referrals after 12 months.")],
    },
];

const VIDEO_TITLES: &[&str] = &["Video: {topic} explained", "Webinar recording: {topic}", "Two-minute guide to {topic}"];
const LINK_TITLES: &[&str] = &["Link: {topic} portal", "External resource: {topic}", "{topic} calculator"];
const PLANS: &[&str] = &["Gold PPO", "Silver HMO", "Bronze HDHP", "Brightsmile Dental", "Clearview Vision", "Northstar Health", "Evergreen Care"];
const TEAMS: &[&str] = &["Benefits team", "People Operations", "Total Rewards team", "HR Service Desk", "Payroll team", "Wellbeing team"];
const REGIONS: &[&str] = &["the US", "Canada", "Ireland", "Portugal", "the UK", "Singapore", "Texas", "Ontario"];
const MONTHS: &[&str] = &["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

fn fill(template: &str, rng: &mut StdRng) -> String {
    let mut out = template.to_owned();
    let replacements: [(&str, String); 13] = [
        ("{plan}", PLANS.choose(rng).unwrap_or(&"standard").to_string()),
        ("{team}", TEAMS.choose(rng).unwrap_or(&"HR").to_string()),
        ("{region}", REGIONS.choose(rng).unwrap_or(&"the US").to_string()),
        ("{year}", rng.gen_range(2026..=2027).to_string()),
        ("{pct}", (rng.gen_range(5..=9) * 10).to_string()),
        ("{days}", rng.gen_range(3..=25).to_string()),
        ("{weeks}", rng.gen_range(2..=26).to_string()),
        ("{wait}", rng.gen_range(1..=12).to_string()),
        ("{months}", rng.gen_range(3..=6).to_string()),
        ("{amount}", format!("${},{:03}", rng.gen_range(1..=5), rng.gen_range(0..4) * 250)),
        ("{money}", format!("${}", rng.gen_range(4..=60) * 5)),
        ("{date}", format!("{} {}, {}", MONTHS.choose(rng).unwrap_or(&"January"), rng.gen_range(1..=28), rng.gen_range(2026..=2027))),
        ("{month}", MONTHS.choose(rng).unwrap_or(&"April").to_string()),
    ];
    for (slot, value) in replacements {
        if out.contains(slot) {
            out = out.replace(slot, &value);
        }
    }
    out.replace("{payday}", ["last", "25th", "first"].choose(rng).unwrap_or(&"last"))
}

fn body(topic: &Topic, rng: &mut StdRng) -> String {
    let mut body = String::with_capacity(1400);
    body.push_str("## Overview\n\n");
    body.push_str(&fill(topic.overview.choose(rng).unwrap_or(&""), rng));
    body.push_str("\n\n## ");
    body.push_str(topic.details_heading);
    body.push_str("\n\n");
    let count = rng.gen_range(3..=topic.details.len().min(5));
    for detail in topic.details.choose_multiple(rng, count) {
        body.push_str("- ");
        body.push_str(&fill(detail, rng));
        body.push('\n');
    }
    body.push_str("\n## What to do\n\n");
    body.push_str(&fill(topic.how.choose(rng).unwrap_or(&""), rng));
    body.push_str("\n\n## Questions\n\n");
    for (question, answer) in topic.faq.iter().take(rng.gen_range(1..=topic.faq.len())) {
        body.push_str(&format!("**{question}**\n{}\n\n", fill(answer, rng)));
    }
    body.push_str(&format!("Contact the {} if anything here is unclear.\n", TEAMS.choose(rng).unwrap_or(&"HR team")));
    body
}

fn unique_title(mut title: String, seen: &mut HashSet<String>, rng: &mut StdRng) -> String {
    if seen.insert(title.clone()) {
        return title;
    }
    let base = title.clone();
    let mut edition = 2;
    loop {
        title = format!("{base} ({}, edition {edition})", REGIONS.choose(rng).unwrap_or(&"global"));
        if seen.insert(title.clone()) {
            return title;
        }
        edition += 1;
    }
}

/// Deterministic: the same (count, seed) always gives the same items, with unique titles.
pub fn generate(count: usize, seed: u64) -> Vec<DemoItem> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut seen = HashSet::with_capacity(count);
    (0..count)
        .map(|i| {
            let topic = &TOPICS[i % TOPICS.len()];
            let base = fill(topic.titles.choose(&mut rng).unwrap_or(&"HR guide"), &mut rng);
            // One item in ten presents its topic as a video or an external link.
            let (kind, title, external_url) = match rng.gen_range(0..20) {
                0 => ("video", VIDEO_TITLES.choose(&mut rng).unwrap_or(&"{topic}").replace("{topic}", &base.to_lowercase()), Some(format!("https://videos.example.com/hr/{i}"))),
                1 => ("link", LINK_TITLES.choose(&mut rng).unwrap_or(&"{topic}").replace("{topic}", &base), Some(format!("https://benefits.example.org/{}", topic.tags[0]))),
                2 => ("other", format!("{base} — summary sheet"), None),
                _ => (topic.kind, base, None),
            };
            let mut tags: Vec<String> = topic.tags.iter().map(|t| t.to_string()).collect();
            if rng.gen_bool(0.3) {
                tags.push(rng.gen_range(2026..=2027).to_string());
            }
            let targeted = rng.gen_range(0..100);
            let department_count = rng.gen_range(1..=2);
            DemoItem {
                title: unique_title(title, &mut seen, &mut rng),
                summary: fill(topic.summaries.choose(&mut rng).unwrap_or(&""), &mut rng),
                body: body(topic, &mut rng),
                kind,
                category: topic.category,
                tags,
                external_url,
                audience_departments: if targeted < 10 { DEPARTMENTS.choose_multiple(&mut rng, department_count).map(|d| d.to_string()).collect() } else { vec![] },
                audience_locations: if (10..15).contains(&targeted) { vec![LOCATIONS.choose(&mut rng).unwrap_or(&"Lisbon").to_string()] } else { vec![] },
                published: rng.gen_range(0..10) != 0,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_library() {
        let a = generate(300, 7);
        let b = generate(300, 7);
        assert!(a.iter().zip(&b).all(|(x, y)| x.title == y.title && x.body == y.body));
        assert_ne!(generate(300, 8)[5].body, a[5].body);
    }

    #[test]
    fn titles_are_unique_and_every_kind_appears() {
        let items = generate(5_000, 1);
        let titles: HashSet<_> = items.iter().map(|i| &i.title).collect();
        assert_eq!(titles.len(), items.len());
        for kind in ["benefit", "policy", "guideline", "form", "faq", "assistance", "video", "link", "other"] {
            assert!(items.iter().any(|i| i.kind == kind), "no {kind}");
        }
    }

    #[test]
    fn bodies_read_like_hr_text_of_a_realistic_size() {
        for item in generate(500, 3) {
            assert!((300..2500).contains(&item.body.len()), "{} bytes: {}", item.body.len(), item.title);
            assert!(!item.body.contains('{') && !item.title.contains('{') && !item.summary.contains('{'), "unfilled slot in {}", item.title);
            assert!(!item.body.to_lowercase().contains("lorem"));
            if let Some(url) = &item.external_url {
                assert!(matches!(item.kind, "video" | "link"));
                assert!(url.contains(".example.com/") || url.contains(".example.org/"));
            }
        }
    }
}

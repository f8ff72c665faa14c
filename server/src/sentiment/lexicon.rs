//! Herald's own sentiment lexicon: valences on a -4 (extremely negative) .. +4 (extremely
//! positive) scale, written for employee comments (general English, workplace and HR terms,
//! slang, emoticons, emoji and a few idioms).
//!
//! The lists are plain `word valence` text, parsed on first use into one hash map that
//! also knows each word's part in the rules (idioms it opens, negator, degree word, cue),
//! so that scoring looks every token up once.

use std::cell::RefCell;
use std::sync::LazyLock;

use rustc_hash::FxHashMap as HashMap;

use super::context::{self, Cue};
use super::inflect::inflected;
use super::{rules, Doc};

/// A multi-word expression: the words after the first, and the valence of the whole.
pub(crate) type Phrase = (Vec<&'static str>, f64);

/// What the rules need to know about a word, whatever its neighbours.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lexical {
    /// Lexicon valence (through a stem for inflected forms); 0 when unlisted.
    pub valence: f64,
    /// Idioms the word opens, longest first.
    pub phrases: &'static [Phrase],
    /// Strength as a degree modifier ("very", "slightly"), if it is one.
    pub booster: Option<f64>,
    /// Whether it flips what follows ("not", "never", "isn't").
    pub negator: bool,
    /// Its part in the text-wide rules, if any.
    pub cue: Cue,
}

impl Lexical {
    /// An unremarkable word, or a position past the end of the text.
    pub const NONE: Lexical = Lexical {
        valence: 0.0,
        phrases: &[],
        booster: None,
        negator: false,
        cue: Cue::None,
    };
}

/// A word the lexicon or the rules know.
struct Entry {
    /// Its valence as listed, when it is listed as a word, emoticon or emoji.
    listed: Option<f64>,
    /// The facts returned for it (phrases aside).
    facts: Lexical,
    /// Phrases it opens, longest first so the longest match wins.
    phrases: Vec<Phrase>,
}

impl Default for Entry {
    fn default() -> Self {
        Entry { listed: None, facts: Lexical::NONE, phrases: Vec::new() }
    }
}

static ENTRIES: LazyLock<HashMap<&'static str, Entry>> = LazyLock::new(build_entries);

fn build_entries() -> HashMap<&'static str, Entry> {
    let mut listed: HashMap<&'static str, f64> = HashMap::with_capacity_and_hasher(3800, Default::default());
    for list in [
        GENERAL_POSITIVE,
        GENERAL_NEGATIVE,
        GENERAL_MORE,
        WORKPLACE,
        SLANG,
        EMOTICONS,
        EMOJI,
        NEUTRAL,
    ] {
        listed.extend(entries(list));
    }
    let mut map: HashMap<&'static str, Entry> = HashMap::with_capacity_and_hasher(4000, Default::default());
    for (&word, &valence) in &listed {
        map.entry(word).or_default().listed = Some(valence);
    }
    for (phrase, valence) in entries(PHRASES) {
        let mut words = phrase.split('_');
        let Some(first) = words.next() else { continue };
        map.entry(first)
            .or_default()
            .phrases
            .push((words.collect(), valence));
    }
    for (word, strength) in rules::degree_words() {
        map.entry(word).or_default().facts.booster.get_or_insert(strength);
    }
    for &word in rules::NEGATORS {
        map.entry(word).or_default().facts.negator = true;
    }
    for (word, cue) in context::cue_words() {
        let facts = &mut map.entry(word).or_default().facts;
        if facts.cue == Cue::None {
            facts.cue = cue;
        }
    }
    let listed_valence = |w: &str| listed.get(w).copied();
    for (word, entry) in &mut map {
        entry.facts.valence = entry
            .listed
            .or_else(|| inflected(word, &listed_valence))
            .unwrap_or(0.0);
        entry.facts.negator |= rules::is_contracted_negation(word);
        entry.phrases.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
    }
    map
}

/// Valence of the exact word as listed, without inflection fallbacks.
fn exact(word: &str) -> Option<f64> {
    ENTRIES.get(word).and_then(|e| e.listed)
}

/// Valence of a lower-cased word, trying a few English inflections when the exact form
/// is not listed ("disappoints" -> "disappoint", "happily" -> "happy", "unhelpful").
#[cfg(test)]
fn valence(word: &str) -> Option<f64> {
    exact(word).or_else(|| inflected(word, &exact))
}

/// A token's lexicon facts: its valence (with inflection fallbacks; 0 when unlisted),
/// the idioms it may open and its part in the rules.
pub(crate) fn lookup(word: &str) -> Lexical {
    if let Some(entry) = ENTRIES.get(word) {
        return Lexical { phrases: &entry.phrases, ..entry.facts };
    }
    Lexical {
        valence: inflected_memo(word),
        negator: rules::is_contracted_negation(word),
        ..Lexical::NONE
    }
}

/// Words of the general-English, slang, emoticon and emoji lists that carry a valence:
/// what a comment feels, not what it is about. The workplace list is left out on purpose:
/// it names things people talk about ("cut", "bonus", "coverage").
static FEELINGS: LazyLock<HashMap<&'static str, f64>> = LazyLock::new(|| {
    [GENERAL_POSITIVE, GENERAL_NEGATIVE, GENERAL_MORE, SLANG, EMOTICONS, EMOJI]
        .into_iter()
        .flat_map(entries)
        .filter(|(_, valence)| *valence != 0.0)
        .collect()
});

/// Whether a lower-cased word says how someone feels rather than what about: a feeling
/// word (or an inflection of one), a negator ("nobody", "never") or a degree word ("very").
pub(crate) fn is_feeling_word(word: &str) -> bool {
    let feeling = |w: &str| FEELINGS.get(w).copied();
    let facts = lookup(word);
    feeling(word).is_some() || inflected(word, &feeling).is_some_and(|v| v != 0.0) || facts.negator || facts.booster.is_some()
}

/// Unlisted words this thread has seen, with their valence through a stem (0 when none).
/// Comments share most of their words, and a word can cost twenty stem lookups.
const MEMO_WORDS: usize = 50_000;

thread_local! {
    static MEMO: RefCell<HashMap<Box<str>, f64>> =
        RefCell::new(HashMap::with_capacity_and_hasher(8192, Default::default()));
}

fn inflected_memo(word: &str) -> f64 {
    // Short words have no inflections to try, and long ones rarely repeat.
    if word.len() < 4 || word.len() > 24 {
        return inflected(word, &exact).unwrap_or(0.0);
    }
    MEMO.with_borrow_mut(|memo| {
        if let Some(&v) = memo.get(word) {
            return v;
        }
        let v = inflected(word, &exact).unwrap_or(0.0);
        if memo.len() >= MEMO_WORDS {
            memo.clear();
        }
        memo.insert(word.into(), v);
        v
    })
}

/// Parses a `word valence word valence ...` list; malformed pairs are skipped (a unit
/// test checks there are none).
fn entries(list: &'static str) -> impl Iterator<Item = (&'static str, f64)> {
    let mut it = list.split_whitespace();
    std::iter::from_fn(move || loop {
        let word = it.next()?;
        let value = it.next()?;
        if let Ok(v) = value.parse::<f64>() {
            return Some((word, v));
        }
    })
}

/// Longest phrase starting at token `i`: (number of tokens, valence).
pub(crate) fn phrase_at(doc: &Doc, i: usize) -> Option<(usize, f64)> {
    let candidates = doc.facts(i).phrases;
    let sentence = doc.tokens.get(i)?.sentence;
    'phrases: for (rest, valence) in candidates {
        for (k, want) in rest.iter().enumerate() {
            let j = i + 1 + k;
            let same_sentence = doc.tokens.get(j).is_some_and(|t| t.sentence == sentence);
            if !same_sentence || doc.word(j) != *want {
                continue 'phrases;
            }
        }
        return Some((rest.len() + 1, *valence));
    }
    None
}

/// Whether a whitespace-separated chunk is a known emoticon such as ":-)" or "<3".
pub(crate) fn is_emoticon(chunk: &str) -> bool {
    chunk.len() <= 6 && !chunk.chars().all(char::is_alphanumeric) && exact(chunk).is_some()
}

/// Whether `ch` is a pictographic emoji (skin-tone modifiers and joiners are not).
pub(crate) fn is_emoji_char(ch: char) -> bool {
    let c = ch as u32;
    matches!(c, 0x1F300..=0x1F3FA | 0x1F400..=0x1FAFF | 0x2600..=0x27BF | 0x2B50 | 0x2B55)
}

/// General English words of positive valence.
const GENERAL_POSITIVE: &str = r#"
good 2 great 3 excellent 3.2 amazing 3.1 fantastic 3.2 wonderful 3 superb 3.1
outstanding 3.1 brilliant 2.9 terrific 3 fabulous 3 marvelous 3 marvellous 3
magnificent 3.1 splendid 2.8 stellar 2.8 phenomenal 3.2 exceptional 2.9 extraordinary 2.5
incredible 2.8 impressive 2.5 perfect 2.9 perfection 2.8 flawless 2.8 best 3.1 better 1.8
nice 1.8 nicer 1.9 nicest 2.3 lovely 2.6 beautiful 2.8 beautifully 2.8 gorgeous 2.9
cute 1.8 adorable 2.4 charming 2.2 delightful 2.8 delight 2.7 delighted 2.9 pleasant 2
pleased 2.2 pleasing 2.1 pleasure 2.4 enjoy 2.1 enjoyable 2.3 enjoyed 2.2 enjoying 2.1
funny 1.7 hilarious 2.3 smart 1.7 intelligent 1.8 wise 1.8 happy 2.6 happier 2.5 happiest 3
happiness 2.8 happily 2.4 glad 2.1 joy 2.8 joyful 2.8 joyous 2.8 cheerful 2.4 cheer 2.1
cheers 1.5 excited 2.3 exciting 2.3 excitement 2.2 thrilled 2.8 thrilling 2.4 love 3
loved 2.9 loves 2.8 loving 2.8 lovable 2.5 adore 2.9 adored 2.7 like 1.6 likes 1.4
liked 1.5 appreciate 2.1 appreciative 2.1 grateful 2.5 gratitude 2.4 thankful 2.5
thanks 1.9 thank 1.7 thx 1.6 ty 1.3 kudos 2.4 congrats 2.5 congratulations 2.8 bravo 2.6
props 1.7 welcome 1.8 welcomed 1.5 helpful 2 helped 1.3 help 1.2 helps 1.1 supported 1.3
kind 1.9 kindness 2.3 generous 2.4 generosity 2.4 caring 2.1 care 1.4 cares 1.3
compassionate 2.2 considerate 1.9 thoughtful 2 friendly 2.2 warm 1.3 honest 2 honesty 2
trust 1.8 trusted 1.7 trustworthy 2.2 fair 1.4 fairly 0.6 just 0 justice 1.8 respect 2
respected 1.9 respectful 2 dignity 1.6 proud 2.2 pride 1.5 confident 1.9 confidence 1.8
hope 1.8 hopefully 1.3 hoping 1.4 optimistic 2 positive 2 success 2.6 successful 2.6
succeed 2.3 succeeded 2.2 win 2.6 wins 2.4 won 2.2 winner 2.6 winning 2.4 victory 2.6
triumph 2.6 achievement 2.3 accomplished 2 accomplishment 2.2 progress 1.6 improve 1.6
improved 1.9 improvement 1.9 improves 1.6 improving 1.6 benefit 1 beneficial 1.8
benefits 0.3 advantage 1.4 valuable 2.1 value 1.3 worth 0.6 worthwhile 1.9 effective 1.6
efficient 1.6 reliable 1.8 solid 1.5 strong 1.6 stronger 1.6 strength 1.6 powerful 1.7
impressed 2.4 inspiring 2.5 inspired 2.1 inspiration 2.3 inspirational 2.4 motivated 1.8
motivating 1.8 encouraging 2 encouraged 1.8 encouragement 2.1 recommend 1.8 recommended 1.7
favorite 2.2 favourite 2.2 fave 2 fav 2 ideal 2.3 easy 1.5 easier 1.5 easily 1.2
convenient 1.7 comfortable 1.8 comfy 1.9 cozy 1.9 relax 1.7 relaxed 1.9 relaxing 2.1
calm 1.4 peace 2.2 peaceful 2.3 safe 1.7 safety 1.3 healthy 1.9 health 0.6 fresh 1.3
clear 1.1 clearly 0.5 bright 1.6 brighter 1.6 shiny 1.2 tasty 2 delicious 2.8 cool 1.4
neat 1.6 classy 1.8 elegant 2.1 stylish 1.8 fine 0.8 ok 1 okay 1 decent 1.3 alright 1
satisfied 1.9 satisfying 2 satisfaction 2 content 0.6 relief 1.7 relieved 1.9 blessed 2.6
blessing 2.5 lucky 2.2 fortunate 2 glorious 2.9 heavenly 2.6 dream 1.2 dreamy 1.9
magical 2.5 magic 1.7 miracle 2.3 wow 1.2 wowed 2.5 yippee 2.4 hooray 2.5 hurray 2.5
woohoo 2.4 woot 2.2 hahaha 2 rofl 1.9 smile 2 smiled 1.8 smiles 1.9 smiling 2 laugh 1.9
laughed 1.7 laughing 1.9 laughter 2.1 hug 2 hugs 2.1 kiss 1.8 friend 1.6 friends 1.7
friendship 2.1 buddy 1.3 family 0.6 together 0.8 united 1.2 team 0.4 teamwork 1.8
masterpiece 3.2 classic 1.7 gem 2.4 treat 1.6 original 1.4 originality 1.8 innovative 2
creative 2 creativity 1.9 imaginative 2.1 inventive 1.9 intriguing 1.8 interesting 1.6
fascinating 2.3 captivating 2.5 compelling 2.2 engaging 2.1 gripping 2.1 riveting 2.3
entertaining 2.2 entertained 1.9 moving 1.5 touching 1.9 heartwarming 2.6 heartfelt 2.2
poignant 1.3 memorable 2.2 unforgettable 2.5 refreshing 2.1 smooth 1.4 polished 1.6
crisp 1.3 rich 1.5 vivid 1.6 lively 1.9 dynamic 1.4 gentle 1.6 tender 1.5 sincere 1.8
genuine 1.8 authentic 1.6 accurate 1.4 precise 1.3 correct 1.1 right 0.6 proper 0.9
professional 1.3 competent 1.4 skillful 1.8 talent 1.9 gifted 2.1 genius 2.6 expert 1.4
wonderfully 3 superbly 3 admire 2.3 admired 2.2 admirable 2.3 praise 2.2 praised 2.1
applaud 2.3 celebrate 2.5 celebrated 2.3 celebration 2.5 festive 2 party 1.3 holiday 1.3
holidays 1.3 vacation 1.7 weekend 1 gift 1.9 gifts 1.8 bonuses 1.6 reward 1.8 rewarding 2.1
rewarded 1.9 prize 2 award 2 awarded 2.2 promotion 1.8 promoted 2 opportunity 1.6
opportunities 1.6 grow 1 thriving 2.2 flourish 2.2 prosperity 2.2 wealth 1.2 free 1.1
freedom 2.1 flexibility 1.5 affordable 1.4 cheap 0.3 bargain 1.6 deal 0.3 plus 0.8
bless 1.8 god 0.8 heaven 2.1 angel 2 hero 2.3 heroes 2.2 courage 2.1 courageous 2.3
bold 1.4 wisdom 2 insightful 2.1 thorough 1.3 careful 1 patient 1.3 patience 1.4
loyalty 1.7 dedicated 1.8 dedication 1.9 devoted 1.9 committed 1.2 passionate 2 passion 1.9
enthusiastic 2.2 enthusiasm 2.1 keen 1.3 welcoming 2.1 fantastically 3 awesomeness 3
greatness 2.7 goodness 2 excellence 2.9 brilliance 2.8 beauty 2.6 elegance 2.2 grace 1.9
charm 2 charisma 1.8 wit 1.6 humor 1.5 humour 1.5 humorous 1.9 amusing 2 amused 1.8
playful 1.7 joke 0.4 jokes 0.3 champion 2.3 superior 2 quality 0.8 top 0.9 legendary 2.6
epic 2.4 iconic 2 unique 1.4 special 1.7 amazed 2.6 astonishing 2.4 astounding 2.5
stunning 2.9 breathtaking 3 spectacular 3 dazzling 2.8 sublime 2.9 exquisite 2.9 divine 2.5
perfectly 2.5 nicely 1.8 greatly 1.5 properly 0.7 well 0 worthy 1.8 deserve 1.1
deserved 1.6 deserving 1.5 glowing 2 favorable 1.8 favourable 1.8 favor 1.2 favour 1.2
agree 1.3 agreed 1.2 yes 1 yeah 0.8 yep 0.7 sure 0.5 indeed 0.6 absolutely 0 certainly 0
definitely 0 boost 1.3 boosted 1.4 gain 1.4 gains 1.4 profit 1.3 profitable 1.6
upgraded 1.5 win-win 2.5 fixed 1.2 resolved 1.4 solved 1.5 solution 1.3 smoothly 1.5
seamless 1.8 intuitive 1.7 transparent 1.5 transparency 1.6 accountable 1.2
accountability 1.2 listen 0.6 listened 1.3 listening 0.8 heard 0.3 understood 1
understanding 1.2 empathy 1.8 empathetic 1.9 boosting 1.3 optimism 1.9 cherish 2.5
cherished 2.5 treasured 2.4 precious 2.2 nurture 1.6 refreshed 1.9 rejuvenated 2.1
energized 2 empowered 2 empowering 2.1 uplifting 2.5 motivation 1.6 wellness 1.2
recognition 1.7 recognized 1.6 recognised 1.6 acknowledged 1.1 valued 2 fulfilling 2.2
fulfilled 2 purpose 1 purposeful 1.6 fans 1 fan 1.1 beloved 2.5 romantic 1.9 romance 1.8
sexy 2.1 hot 0.6 wholesome 2 pure 1.3 innocent 0.9 harmless 0.8 spotless 1.9 versatile 1.6
durable 1.5 fast 1 faster 1.2 quick 1 quickly 0.8 speedy 1.5 responsive 1.5 logical 1
fair-minded 1.8 balanced 1.2 wisely 1.6 gladly 2 graciously 2 gracious 2.1 warmly 1.8
sincerely 1.4 honestly 0 truthfully 0.8 fortunately 1.8 luckily 1.9 positively 1.6
greatful 2.2 awsome 3 awsum 2.8 gr8 2.8 luv 2.9 lovin 2.7 cutie 2 sweetie 2 darling 2
xoxo 2.5 xo 2 yum 2.2 nom 1.5 amaze 2.5 amazes 2.5 astonish 2 impress 2.1 impresses 2.3
delights 2.6 pleases 1.9 satisfies 1.8 rocks 2 rock 1.2 rocked 2.1 rockin 2.1 slay 2
nailed 2.2 killer 0 dope 1.8 lit 1.5 fire 0 highlight 1.8 highlights 1.6 standout 2.3
must-see 2.8 must-have 2.4 recommendable 1.8 accessible 1.2 poetic 1.7 lyrical 1.6
haunting 0.8 thought-provoking 2.1 profound 1.8 deft 1.8 deftly 1.8 nuanced 1.6 subtle 1.2
intelligently 1.9 skillfully 2 masterful 2.8 masterfully 2.8 virtuoso 2.6 assured 1.5
confidently 1.6 ambitious 1.3 accomplishes 1.8 succeeds 2.2 triumphant 2.7 winningly 2.3
irresistible 2.4 likable 2 likeable 2 sympathetic 1.6 believable 1.5 convincing 1.6
convincingly 1.6 coherent 1.2 watchable 1.3 enjoys 2 engrossing 2.2 absorbing 1.9
spellbinding 2.6 mesmerizing 2.6 hypnotic 1.5 wondrous 2.6 enchanting 2.6 endearing 2.2
sweetly 1.8 funniest 2.6 best-selling 1.5 acclaimed 2.2 honored 2.2 honoured 2.2 honor 2
honour 2 privilege 2 privileged 1.6 handsome 2.1 elated 3 ecstatic 3.1 overjoyed 3.1
euphoric 3 blissful 3 bliss 2.9 contented 1.8 serene 2.1 tranquil 2 soothing 1.9
reassuring 1.8 reassured 1.8 safer 1.4 hopes 1.3 wishes 1.5 wish 0.8 luck 1.6 fortune 1.3
prosperous 2.1 priceless 2.6
"#;

/// General English words of negative valence.
const GENERAL_NEGATIVE: &str = r#"
bad -2.5 worst -3.1 horrible -3 awful -3 dreadful -2.9 atrocious -3.2 abysmal -3.1
appalling -3 horrendous -3.1 horrid -2.8 lousy -2.4 crappy -2.5 crap -2.3 shitty -2.9
shit -2.6 sucks -2.2 suck -2.1 sucked -2.1 sucky -2.1 poor -1.8 poorly -1.9 mediocre -1.6
subpar -1.8 cheaply -1.2 disappoint -2.1 disappointed -2.3 disappointing -2.3
disappointment -2.3 disappoints -2.1 letdown -2.1 sadly -1.8 sadness -2.2 saddened -2.2
unhappy -2.1 misery -2.7 depressing -2.3 depression -2.3 gloomy -1.8 bleak -1.8
heartbroken -2.9 heartbreaking -2.6 tragic -2.6 tragedy -2.7 cry -1.8 crying -1.9
cried -1.8 tears -1.4 sorry -1 regret -1.9 regrets -1.8 regretted -1.9 angry -2.5
anger -2.5 angered -2.4 mad -2 furious -3 outraged -2.8 outrage -2.8 outrageous -2.4
livid -2.9 annoyed -2 annoying -2.1 annoyance -1.9 annoys -1.9 irritated -1.9 irritating -2
frustrated -2.2 frustrating -2.3 frustration -2.2 upset -2 upsetting -2.2 pissed -2.5 fed 0
sick-of -2 hate -2.9 hated -2.8 hates -2.7 hating -2.7 hatred -3.1 despise -2.9 loathe -2.9
detest -2.8 dislike -1.7 disliked -1.7 dislikes -1.6 disgust -2.8 disgusted -2.8
disgusting -3 gross -2 nasty -2.5 vile -3 repulsive -2.9 revolting -2.8 sickening -2.8
offensive -2.2 offended -2 insulting -2.4 insulted -2.2 disrespectful -2.3 disrespect -2.2
arrogant -2 selfish -2.1 greedy -2.2 greed -2.2 cruel -2.8 cruelty -2.9 mean 0 evil -3.2
wicked 0.5 wrong -2 wrongly -1.6 mistake -1.6 mistakes -1.6 error -1.5 errors -1.5
fail -2.2 failed -2.2 fails -2.1 failing -2.1 failure -2.4 failures -2.3 flop -2 flaw -1.5
flaws -1.4 problem -1.5 problems -1.6 issue -0.8 issues -0.9 trouble -1.6 troubled -1.7
troublesome -1.7 broken -1.8 broke -1.5 break -0.4 breaks -0.3 damaged -1.8 damage -1.9
defective -2.2 faulty -2 worthless -2.6 pointless -2 meaningless -2 hopeless -2.5
helpless -2 powerless -1.9 weak -1.6 weakness -1.5 boring -2.1 bored -1.8 boredom -1.9
dull -1.7 tedious -1.9 bland -1.4 tiresome -1.8 monotonous -1.6 lifeless -1.9 stale -1.5
predictable -1.2 cliched -1.4 clichéd -1.4 cliche -1.2 cliché -1.2 derivative -1.2
formulaic -1.5 forgettable -1.6 unfunny -1.9 overrated -1.6 overlong -1.4 tired -1.2
lame -1.9 stupid -2.4 dumb -2 idiotic -2.6 idiot -2.4 idiots -2.4 moron -2.5 fool -1.7
foolish -1.9 silly -0.5 ridiculous -1.9 absurd -1.5 nonsense -1.8 pathetic -2.6 sloppy -1.8
clumsy -1.5 awkward -1.3 embarrassing -2 embarrassed -1.8 embarrassment -2 shame -2
shameful -2.5 ashamed -2.1 disgrace -2.6 disgraceful -2.8 scandal -2.2 corrupt -2.6
corruption -2.7 fraud -2.7 cheat -2.1 cheated -2.3 cheating -2.2 lie -1.8 lied -2 lies -1.9
liar -2.5 lying -2.1 dishonest -2.4 deceptive -2.2 misleading -1.9 betray -2.6
betrayed -2.8 betrayal -2.8 unfair -2.1 unjust -2.2 discrimination -2.5 racist -3
racism -2.9 sexist -2.7 harassment -2.8 harass -2.6 abuse -3 abused -2.9 abusive -3
bully -2.4 bullied -2.5 bullying -2.6 threat -2 threaten -2.2 threatened -2.1
threatening -2.3 danger -2 dangerous -2.1 risky -1.2 risk -0.9 harm -2.1 harmful -2.2
hurt -2 hurts -1.9 hurting -2 painful -2.3 suffer -2.3 suffering -2.5 suffered -2.2 sick 0
ill -1.6 illness -1.9 disease -2 injury -1.9 injured -2 death -2.6 dead -2.2 die -2.5
died -2.4 dying -2.4 kill -2.8 killed -2.8 killing -2.7 murder -3.3 war -2.3 violence -2.7
violent -2.5 terror -2.9 terrorist -3 disaster -2.9 disastrous -3 catastrophe -3.1
catastrophic -3.1 chaotic -1.9 messy -1.4 messed -1.8 nightmare -2.6 hell -2.3 damn -1.5
damned -1.7 dammit -1.8 fml -2.3 smh -1.5 argh -1.8 yuck -2.1 ew -1.8 eww -1.9 blah -0.9
boo -1.5 sigh -1.2 ugly -2.3 hideous -2.8 ugliness -2.2 fear -2.1 afraid -1.9 scared -2
scary -1.9 frightening -2.1 terrified -2.7 terrifying -2.5 horror -2.4 horrified -2.7
horrific -3.1 shocking -2 shock -1.7 stress -1.9 stressed -2.1 stressful -2.2 anxious -1.9
anxiety -2 worried -1.8 worry -1.6 worries -1.5 worrying -1.8 nervous -1.4 panic -2.1
concern -1.1 concerns -1.1 concerned -1.2 concerning -1.4 doubt -1.3 doubts -1.3
doubtful -1.3 skeptical -1 sceptical -1 suspicious -1.4 confused -1.4 confusing -1.7
confusion -1.5 unclear -1.2 complicated -1.1 complex -0.3 difficult -1.4 hard -0.7
harder -0.8 tough -1 struggle -1.8 struggling -1.9 struggled -1.7 lonely -2 alone -1
lost -1.4 lose -1.5 loses -1.5 losing -1.7 loss -2 losses -1.9 loser -2.2 defeat -2
defeated -2 missing -1 miss -1 missed -1.1 expensive -1.2 overpriced -1.9 waste -2.1
wasted -2.1 wasteful -1.9 wasting -2 junk -2.1 garbage -2.4 trash -2.2 filth -2.4
dirty -1.6 smelly -1.8 stinks -2.2 stink -2 stinky -1.9 slow -1.1 slower -1.1 late -0.8
delay -1.2 delays -1.3 laggy -1.5 crash -1.7 crashes -1.7 crashed -1.8 buggy -1.8 bug -0.9
bugs -1 glitch -1.3 glitchy -1.6 unreliable -1.9 unstable -1.5 inconvenient -1.5
inconvenience -1.4 uncomfortable -1.6 unpleasant -2 unbearable -2.6 intolerable -2.6
unacceptable -2.6 unreasonable -1.9 irresponsible -2.1 incompetent -2.5 incompetence -2.5
negligent -2.2 negligence -2.2 lazy -1.6 cowardly -2.1 coward -2.1 hypocrite -2.4
hypocrisy -2.4 hypocritical -2.3 ignorant -2 ignore -1.3 ignored -1.7 ignoring -1.5
neglect -1.9 neglected -1.9 abandon -1.8 abandoned -2 reject -1.6 rejection -2 refuse -1.2
refused -1.5 deny -1.1 punish -1.9 punished -2 punishment -1.9 penalty -1.5 penalize -1.7
penalized -1.8 blame -1.6 blamed -1.7 complain -1.4 complaint -1.5 complaints -1.5
complaining -1.5 whine -1.5 protest -1 criticism -1.3 criticize -1.4 attack -2.1
attacked -2.1 fight -1.4 fighting -1.5 conflict -1.5 hostile -2.2 hostility -2.2
aggressive -1.5 poison -2.5 poisonous -2.5 destroy -2.6 destroyed -2.7 destruction -2.6
ruin -2.4 ruined -2.6 ruins -2.2 wreck -2.1 wrecked -2.2 collapse -2.1 collapsed -2
decline -1.2 declining -1.3 drop -0.6 dropped -0.7 fall -0.5 worsened -1.9 worsening -1.9
deteriorate -1.9 lacking 0 inadequate -1.8 insufficient -1.5 disorganized -1.6
incoherent -1.7 muddled -1.5 aimless -1.6 endless -0.8 bloated -1.3 tedium -1.9
unwatchable -2.6 unbearably -2.5 misses -0.9 misfire -1.6 misfires -1.6 bomb -1.2 dud -1.8
sucker -1.4 cheesy -1 corny -1 sappy -0.9 shallow -1.3 hollow -1.4 empty -1.1 flat -0.9
stiff -0.9 wooden -1.2 amateurish -1.7 contrived -1.5 implausible -1.3 unconvincing -1.6
pointlessly -1.8 irritatingly -2 painfully -2 dreadfully -2.6 terribly -2.3 horribly -2.6
awfully -2.3 badly -2.2 woefully -2.1 sorely -1.5 grating -1.7 insufferable -2.5
tiring -1.3 exhausting -1.8 exhausted -1.9 exhaustion -1.9 drained -1.8 overwhelmed -1.8
overwhelming -1 despair -2.7 desperate -2 desperately -1.2 grieve -2.3 mourn -2.2
sorrow -2.4 woe -2 unlucky -1.8 unfortunate -1.7 unfortunately -1.6 alas -1.3 sadder -2.2
worst-ever -3.2 epic-fail -2.8 piss -1.8 bitch -2.5 bastard -2.6 asshole -3 jerk -2
jerks -2 fuck -2.5 fucked -2.8 fucking 0 bullshit -2.6 bs -1.8 damnit -1.8 goddamn -2
screw -1.6 screwed -2.3 crook -2.4 crooks -2.5 thief -2.4 steal -2 stole -2.1 robbed -2.4
rip-off -2.4 ripoff -2.4 exploit -1.8 exploited -2.4 exploitation -2.6 exploitative -2.5
manipulative -2.3 manipulate -2 condescending -2.1 patronizing -2 patronising -2
dismissive -1.9 out-of-touch -1.8 clueless -1.9 petty -1.6 bitter -1.7 resent -2
resentment -2.1 jealous -1.6 envy -1.2 spite -2 cynical -1.3 sarcastic -0.8 mock -1.3
mocked -1.6 ridicule -1.8 humiliate -2.5 humiliated -2.6 humiliating -2.6 guilty -1.8
sinister -2.1 weird -0.9 strange -0.5 odd -0.5 bizarre -0.9 crazy -1.1 lunatic -2
psycho -2.2 freak -1.6 annoy -1.9 bother -1.3 bothered -1.4 bothering -1.5 irritate -1.8
hassle -1.6 headache -1.7 pain-in-the-neck -2 unhelpful -1.9 uninspired -1.7
uninspiring -1.8 unimpressive -1.6 unimpressed -1.8 uninteresting -1.7 unoriginal -1.6
unsatisfying -1.9 unsatisfied -1.8 dissatisfied -2.1 dissatisfaction -2 displeased -2
unhappiness -2.1 unfriendly -1.8 unkind -2 uncaring -2 unsafe -2 unhealthy -1.9 unwell -1.6
unfit -1.5 unworthy -1.8 ungrateful -2 unpopular -1.2 unwanted -1.7 unwelcome -1.7
unnecessary -1.3 unneeded -1.2 unprofessional -2.1 unbelievable -0.6 unreal -0.3
inhumane -2.8 inhuman -2.6 heartless -2.5 brutal -2.3 brutally -1.7 harsh -1.7 severe -1.4
serious -0.4 critical -0.7 fatal -2.7 deadly -2.6 lethal -2.5 doomed -2.5
"#;

/// More general English: news, politics, society and character words.
const GENERAL_MORE: &str = r#"
abandonment -1.9 abhorrent -3 abominable -2.9 abrasive -1.4 abrupt -0.8 abusing -2.8
accuse -1.6 accused -1.7 accusation -1.6 accusations -1.7 ache -1.6 aching -1.6
adverse -1.6 adversity -1.5 afflicted -1.9 aggravated -1.8 aggravating -1.9 agony -2.8
agonizing -2.6 alarm -1.2 alarming -1.8 alarmed -1.6 alienated -1.7 anemic -1.3
anguish -2.6 annihilate -2.6 antagonistic -1.8 apathetic -1.6 apathy -1.6 appall -2.6
arbitrary -1.1 arrest -1.5 arrested -1.7 assault -2.7 atrocity -3.2 atrocities -3.2
austerity -1.2 avoid -0.7 awkwardly -1.2 backlash -1.5 backward -1.2 badness -2.3
baffled -0.9 baffling -1 banal -1.4 bankrupt -2.2 bankruptcy -2.2 barbaric -2.7 battle -1
battered -2 beg -1 begging -1.1 belittle -1.9 belligerent -1.9 bewildered -1 biased -1.7
bias -1.4 bicker -1.3 bleed -1.6 blunder -1.9 blunders -1.9 blunt -0.5 bogus -1.9
bombed -1.7 bombing -2.6 bondage -1.8 bothersome -1.5 brash -0.8 breach -1.6 bribe -2.1
bribery -2.3 brutality -2.9 bungled -1.9 burden -1.5 burdens -1.5 burdensome -1.7
callous -2.2 cancer -2.3 careless -1.7 casualties -2.4 catastrophically -2.8 censor -1.4
censorship -1.7 chaos -2 cheapen -1.4 cheaper 0.6 choke -1.6 coerce -1.8 coerced -1.9
coercion -1.9 collusion -2 combative -1.4 condemn -2 condemned -2.1 condemnation -2
confront -0.9 confrontation -1.3 contempt -2.3 contemptible -2.6 contentious -1.2
contradict -0.8 contradictory -1 controversial -0.9 controversy -1.2 costly -1.4
cover-up -2.1 cramped -1.2 crappiest -2.8 crime -2.5 crimes -2.5 criminal -2.4 cripple -2
crippled -2.1 crippling -2.2 crisis -2.1 critic -0.6 critics -0.6 crooked -2.1 crowded -0.9
crude -1.4 crush -0.9 crushed -1.9 crushing -1.8 cursed -2 cynicism -1.5 damaging -2
dangerously -2 dark -0.8 darker -0.8 deadlock -1.3 deaf -0.8 debacle -2.3 debt -1.4
debts -1.4 decay -1.6 deceit -2.3 deceive -2.2 deceived -2.2 deception -2.2 deficit -1.2
deficits -1.2 deficient -1.6 deficiency -1.5 defy -0.6 degrade -1.9 degrading -2.2
dejected -2.1 delusional -2 demolish -1.8 demoralized -2.3 demoralizing -2.3 denial -1.3
denounce -1.9 deplorable -2.7 deport -1.4 depressed -2.5 deprivation -2 deprived -2
deranged -2.2 desolate -2 despicable -3 destitute -2.3 destructive -2.2 detrimental -2
devastate -2.8 devastated -3 devastating -2.8 devastation -2.8 dire -2.1 dirt -1
disabled -0.8 disadvantage -1.4 disagree -1.2 disagreement -1.2 disappear -0.8
disapprove -1.6 disarray -1.6 disbelief -1.2 discomfort -1.5 discontent -1.8
discourage -1.4 discouraged -1.7 discouraging -1.8 discredit -1.8 discredited -1.9
disdain -2 disgruntled -2.1 dishonesty -2.3 disillusioned -1.9 dismal -2.3 dismay -2
dismayed -2 dismiss -1.1 dismissed -1.3 disorder -1.5 disparage -1.9 dispute -1
disrupt -1.3 disruption -1.3 disruptive -1.6 distort -1.6 distorted -1.6 distortion -1.6
distract -0.9 distracting -1.1 distraught -2.4 distress -2.2 distressed -2.2
distressing -2.3 distrust -1.9 disturb -1.5 disturbed -1.8 disturbing -2.2 divisive -1.7
doom -2.4 downfall -2.2 downturn -1.5 drab -1.3 drag -1 drags -1.1 dread -2.3 dreary -1.8
drown -1.8 drunk -1.2 dubious -1.4 dumped -1.6 dysfunctional -2 egregious -2.4
emergency -1.5 enemy -2.1 enemies -2.1 enrage -2.5 enraged -2.7 erode -1.4 eroded -1.5
erosion -1.3 erratic -1.3 err -1 erred -1.2 escalate -1.2 evasive -1.4 evict -1.9
eviction -2 exaggerate -1.1 exaggerated -1.1 excessive -1.3 excessively -1.3 exclude -1.3
excluded -1.6 excuse -0.9 excuses -1.3 execution -1.5 exhaust -1.4 expel -1.6
explosion -1.5 extort -2.4 extremist -2.2 fake -1.9 fallacy -1.4 false -1.4 falsely -1.6
famine -2.8 fatigue -1.5 faulted -1.3 fearful -1.9 feeble -1.7 fiasco -2.4 fiend -2.3
fierce -0.4 filthy -2.4 fine-print -0.5 flaky -1.3 flimsy -1.5 flawed -1.7 flee -1.3
fled -1.3 foe -1.7 forbid -1.1 forbidden -1.2 forgery -1.8 forsaken -2.2 foul -2
fraudulent -2.6 fraught -1.4 frenzy -1.1 fright -1.9 frightened -2 fruitless -1.8
fumble -1.4 fuming -2.4 futile -1.8 gaffe -1.5 gimmick -1.1 gimmicky -1.3 gloom -1.9
grave -1.5 grief -2.5 grievous -2.5 grim -1.8 grossly -2 grotesque -2.3 grudge -1.7
grumpy -1.6 guilt -1.7 gullible -1.3 haphazard -1.4 hardship -1.9 hardships -1.9
hateful -2.9 haunted -1.3 havoc -2.3 hazard -1.6 hazardous -1.9 heinous -3 hinder -1.3
hindrance -1.4 homeless -1.7 hopelessly -2.2 horrendously -2.9 hostage -2.3
humiliation -2.6 hunger -1.5 hungry -0.8 hurtful -2.3 hysteria -1.7 hysterical -0.8
idle -0.6 illegal -1.9 illegally -1.9 illicit -1.8 illogical -1.3 imbalance -1.1
immoral -2.4 impair -1.5 impaired -1.6 impatient -1.3 impede -1.3 imperfect -1
impolite -1.7 impossible -1.4 impoverished -2.1 imprisoned -2.2 imprisonment -2.1
improper -1.5 impure -1.4 inability -1.3 inaccurate -1.5 inaction -1.4 inappropriate -1.8
incapable -1.7 incompatible -1.1 inconsistent -1.2 indecent -1.9 indifference -1.6
indifferent -1.5 indignant -1.8 indignation -1.8 ineffective -1.8 ineffectual -1.8
inefficient -1.6 inept -2.2 inequality -1.8 inexcusable -2.6 inexperienced -1 infamous -1.9
infection -1.6 inferior -1.8 inflated -1.2 inflict -2 infringe -1.4 infuriate -2.6
infuriated -2.7 infuriating -2.7 injure -2 injuries -2 injustice -2.4 insane -1.2
insecure -1.6 insecurity -1.6 insensitive -2 insignificant -1.3 insolent -1.9
instability -1.5 insubstantial -1.2 insult -2.2 intimidate -2 intimidated -1.8
intimidating -1.6 intolerance -2.1 intolerant -2.1 invade -1.7 invasion -2 irate -2.5
irrational -1.5 irrelevant -1.3 irreparable -2.1 irritable -1.6 isolated -1.4
isolation -1.5 jail -2 jailed -2.1 jeopardize -1.9 jeopardy -1.7 junky -1.8 kidnap -2.8
kidnapped -2.9 lag -1 lament -1.8 lamentable -2 leak -1 leaky -1.3 leaks -1 lethargic -1.5
limited -0.9 limitation -0.9 limitations -0.9 liability -1.2 litter -1.2 lose-lose -2
lowly -1 lunacy -2 lurid -1.4 malicious -2.6 malice -2.5 malfunction -1.6 mangled -1.9
maniac -2 massacre -3.2 meager -1.4 meagre -1.4 mediocrity -1.7 menace -2.1 menacing -2.1
merciless -2.3 mess -1.8 mischief -1.1 miscalculation -1.4 miserable -2.8 misfortune -2.1
misguided -1.7 mishandled -1.9 mislead -1.9 misled -1.9 mismanaged -2.1 mismanagement -2.1
misrepresent -1.8 mistaken -1.4 mistreat -2.3 mistreated -2.4 mistreatment -2.4
misunderstand -0.9 misunderstood -1 misuse -1.7 moan -1.2 mockery -2 molest -3
monotony -1.5 monster -1.8 monstrous -2.7 moody -1.2 morbid -1.8 mourning -2.2 muddle -1.3
mundane -1.1 murderer -3.2 murky -1.2 mutiny -1.5 naive -1 needless -1.4 needlessly -1.5
negative -1.8 neglectful -2 nervously -1.3 nightmarish -2.7 noisy -1.2 nonsensical -1.8
notorious -1.8 nuisance -1.6 objection -1 obnoxious -2.2 obscene -2.3 obsolete -1.2
obstacle -1.2 obstacles -1.2 obstruct -1.5 offend -1.9 ominous -1.8 oppress -2.4
oppressed -2.5 oppression -2.6 oppressive -2.5 outdated -1.2 outburst -1.4 outcry -1.7
overbearing -1.8 overcharge -2 overcharged -2.1 overdone -1.1 overpaid -0.8 overrun -1.3
overshadowed -0.7 overspending -1.5 overwrought -1.3 pain -2.1 panicked -2 paranoid -1.6
paralyzed -1.6 pathetically -2.4 peril -2 perilous -2 perpetrator -2 persecute -2.4
persecution -2.5 pessimistic -1.7 pessimism -1.6 pest -1.4 pitiful -2.1 pity -1.2
plague -2.2 plagued -2.2 plight -1.8 plot 0 plunder -2.1 plummet -1.8 plummeted -1.8
pointlessness -1.9 pollute -1.8 pollution -1.9 poorer -1.6 poverty -2.1 prejudice -2.1
prejudiced -2.2 pressure -0.9 pretend -0.9 pretentious -1.7 prison -1.8 problematic -1.7
propaganda -1.8 prosecute -1.2 protester -0.5 provoke -1.3 punitive -1.7 quarrel -1.5
racket -1.3 rage -2.7 ragged -1.2 rampant -1.4 ransom -2.1 rant -1.4 rash -1 ravaged -2.4
reckless -2 recession -1.8 refusal -1.4 regressive -1.6 regrettable -1.8 relapse -1.6
reluctant -0.9 reluctantly -0.9 remorse -1.6 renege -2 reneged -2.1 reneging -2.1
repel -1.3 repressive -2.2 reprehensible -2.6 repugnant -2.8 resentful -2.1 restless -1.1
restrict -1 restricted -1 restrictive -1.3 retard -2.5 retarded -2.5 revenge -1.9 riot -2
rigid -1 rip -0.8 rot -2 rotten -2.5 rough -1.2 rubbish -2.2 rude -2.1 rumor -0.6
ruthless -2.4 sabotage -2.3 sabotaged -2.3 sad -2.1 sadistic -2.9 savage -1.9 scam -2.7
scandalous -2.4 scarce -1.2 scarcity -1.3 scare -1.8 scathing -1.6 scold -1.5 scorn -2
scrap -1 scream -1.5 screaming -1.4 scum -2.7 selfishness -2.2 senseless -2 setback -1.6
setbacks -1.6 severely -1.6 shabby -1.6 shady -1.7 shaken -1.3 shaky -1.3 sham -2.1
shameless -2.2 shatter -1.9 shattered -2.3 shocked -1.8 shoddy -2.2 shortage -1.5
shortages -1.5 shortcoming -1.5 shortcomings -1.5 shrink -0.8 shun -1.5 sicken -2.3
sickly -1.6 sin -1.8 sinful -1.9 skeptic -0.8 slander -2.2 slaughter -3 slave -2.3
slavery -2.8 sleazy -2.2 slump -1.5 slur -2 sluggish -1.4 smear -1.9 smug -1.6 snag -1
snob -1.6 sneaky -1.6 snub -1.6 sour -1.4 spam -1.5 spiteful -2.2 spoil -1.5 spoiled -1.6
squander -2 squandered -2.1 stab -2.3 stalled -1.2 starve -2.3 starving -2.1 steep -0.6
sting -1.3 stingy -1.7 stolen -2.1 strained -1.3 strangle -2.4 strict -0.6 strife -2
stubborn -1.3 stuck -1.3 stumble -1.2 stunted -1.4 subversive -1.2 suffocating -2.2
suicide -3.1 sulk -1.3 sullen -1.6 superficial -1.3 suppress -1.5 suspect -1.2
suspicion -1.4 swindle -2.3 tainted -1.9 tantrum -1.6 tarnish -1.7 tarnished -1.8
tawdry -1.8 tense -1.2 tension -1.3 tensions -1.3 terrible -3 terrorize -2.8 thorny -1
thwart -1.4 thwarted -1.5 torment -2.6 tormented -2.6 torture -3 tortured -2.9 toxic -2.6
tragically -2.6 trap -1.4 trapped -2 trauma -2.6 traumatic -2.7 traumatized -2.7
treacherous -2.4 trivial -0.9 turmoil -2 tyranny -2.6 tyrant -2.6 ugliest -2.8
ultimatum -1.4 unable -1.1 unacceptably -2.4 unaffordable -1.8 unanswered -1.1 unaware -0.6
uncertain -1.1 uncertainty -1.3 uncomfortably -1.5 unconscionable -2.6 undermine -1.8
undermined -1.8 undermines -1.8 undermining -1.8 underwhelming -1.7 underwhelmed -1.6
undesirable -1.7 uneasy -1.5 unemployed -1.8 unemployment -1.8 unethical -2.4 uneven -0.9
unexpectedly 0 unfairly -2.1 unfaithful -2.3 unfounded -1.4 unhappily -2 unjustified -1.8
unkempt -1.2 unknown -0.3 unlawful -2 unnecessarily -1.3 unnerving -1.7 unpleasantly -1.8
unprepared -1.3 unproductive -1.5 unqualified -1.5 unravel -1.3 unresolved -1.2 unrest -1.7
unruly -1.5 unsettled -1.2 unsettling -1.8 unsuccessful -1.9 unsure -1 untrue -1.5
unwilling -1.3 unwise -1.5 upheaval -1.6 uproar -1.5 useless -2.3 vague -1.2 vain -1.2
vandal -2 vandalism -2.1 vengeance -2.2 vengeful -2.3 veto -1 vetoed -1.1 vicious -2.6
victim -2 victims -2.1 victimized -2.4 vindictive -2.3 violate -2 violated -2.2
violation -2 violations -2 volatile -1.2 vomit -2.2 vulgar -2 vulnerable -1 warfare -2.3
warning -0.8 weary -1.4 weep -1.8 wept -1.7 whining -1.7 wither -1.4 woeful -2.3 worn -0.8
worrisome -1.8 worse -2.2 worsen -1.9 worthlessness -2.4 wounded -2.1 wounds -1.9
wrath -2.4 wreckage -2 wretched -2.6 wrongdoing -2.1 wrongful -2.1 yell -1.6 yelled -1.7
yelling -1.7 zealot -1.4 abundance 1.7 abundant 1.6 acclaim 2.2 accommodating 1.6 ace 1.8
achieve 1.8 achieved 1.9 acumen 1.4 adept 1.6 admiration 2.4 adoration 2.6 adventure 1.5
adventurous 1.6 affection 2.4 affectionate 2.3 affirm 1 affluent 1.1 agile 1.2
agreeable 1.6 aid 1.1 alive 1.4 altruistic 2 amiable 2 amicable 1.7 ample 1.3 appealing 1.8
applause 2.2 approve 1.4 approved 1.4 approval 1.5 apt 1 ardent 1.4 aspire 1.3 assure 1.1
astute 1.6 attractive 1.9 auspicious 1.7 avid 1.2 awed 2 awesome 3.1 beaming 2.4
benevolent 2.1 bountiful 2 brave 2.1 bravery 2.2 breakthrough 2.1 brightest 2.2
brilliantly 2.9 buoyant 1.7 calmly 1.1 capable 1.5 carefree 1.9 celebrity 0.5 champ 2
charismatic 1.9 charitable 2 charity 1.6 cheerfully 2.2 cherishing 2.4 civil 0.8
civility 1.4 clean 1.5 cleanest 1.8 clever 1.9 collaborate 1.3 collaborative 1.5
comfort 1.6 comforting 2 commend 2.1 commendable 2.2 compassion 2.3 competitive 0.6
complement 1 complimentary 1.5 compliment 1.9 compliments 1.9 comprehensive 1.1
congenial 1.8 conscientious 1.6 constructive 1.4 cooperate 1.2 cooperation 1.4
cooperative 1.4 cordial 1.6 courteous 1.8 courtesy 1.4 credible 1.3 cured 1.9 cure 1.6
daring 1.3 dazzle 2.4 dear 1.6 decency 1.8 decisive 1.3 delicate 0.8 dependable 1.8
deservedly 1.7 desirable 1.8 determined 1.4 devotion 2 diligent 1.7 distinguished 1.7
eager 1.5 earnest 1.3 ease 1.4 eased 1.2 ecstasy 2.8 educated 1.2 effortless 1.8
effortlessly 1.8 elite 1.3 eloquent 1.9 embrace 1.7 eminent 1.5 enchanted 2.5 endorse 1.4
endorsement 1.4 energetic 1.8 enhance 1.4 enhanced 1.3 enlighten 1.7 enlightening 1.9
enrich 1.7 enriching 1.9 entertain 1.6 enthusiastically 2.1 enticing 1.7 envious -1.2
ethical 1.6 euphoria 2.8 excel 2.2 excelled 2.2 excels 2.2 exemplary 2.5 exhilarating 2.7
extraordinarily 2.3 exuberant 2.4 facilitate 0.6 faith 1.5 faithful 1.9 famous 1.2
fancy 1.1 fascinated 2.1 fearless 1.9 feat 1.6 felicity 2.3 fertile 0.8 festival 1.3
fine-tuned 1.2 finest 2.6 fit 0.9 flair 1.6 flattering 1.5 flawlessly 2.7 fond 1.9
fondly 1.8 fondness 2 forgive 1.5 forgiving 1.6 forgiveness 1.7 fortitude 1.7 fresher 1.3
fruitful 1.9 fun 2.2 funnier 1.9 gallant 1.8 genial 1.8 gladness 2.2 glamorous 1.8 glee 2.4
gleeful 2.4 glory 2.4 glow 1.6 good-natured 1.9 goodwill 1.9 gorgeously 2.8 graceful 2
gracefully 2 grand 1.8 grandeur 2 gratifying 2.2 gratified 2 greatest 3.1 grin 1.8
grinning 1.9 guarantee 1 guidance 0.8 handy 1.5 harmonious 2 harmony 1.9 heal 1.6
healing 1.6 healthier 1.7 hearty 1.6 heartening 2.1 helping 1.2 heroic 2.4 heroine 1.8
hilariously 2.4 holy 1 honorable 2.1 honourable 2.1 hopeful 1.9 hospitable 1.9
hospitality 1.8 humane 1.7 humble 1.3 idyllic 2.3 illuminating 1.8 immaculate 2.3
impeccable 2.6 impeccably 2.5 improvise 0.6 incredibly 0 independence 1.4 indulgent 0.8
ingenious 2.3 ingenuity 2.1 innovation 1.8 innovate 1.5 integrity 2 intimate 1.5
invaluable 2.5 invigorating 2.2 invincible 2 jolly 2.2 jovial 2.2 jubilant 2.8 justly 1.3
kindhearted 2.3 laudable 2.1 lavish 1.3 leading 0.6 liberty 1.8 lifesaver 2.4
lighthearted 1.9 loveliest 2.8 loyal 1.8 lucid 1.3 luminous 1.9 luxurious 2.1 luxury 1.9
magnanimous 2.1 majestic 2.4 mature 0.8 meaningful 2 mercy 1.5 merry 2.4 mesmerized 2.3
meticulous 1.6 mighty 1.2 modern 0.5 modest 0.8 nifty 1.8 noble 2 nourishing 1.6 novel 0.8
optimal 1.6 opulent 1.5 outperform 1.7 outstandingly 3 overjoy 3 paradise 2.7
peacefully 2.1 perfectionist 0.5 picturesque 2.1 playfully 1.6 pleasantly 1.9
pleasurable 2.3 plentiful 1.6 poise 1.4 polite 1.8 politely 1.6 popular 1.5
praiseworthy 2.3 prestigious 1.8 pretty 1.6 productive 1.6 proficient 1.6 prolific 1.4
promise 1.3 promising 2 prompt 1.1 promptly 1.2 prosper 2.1 protect 1.2 protected 1.2
protection 1.1 proudly 2.2 prudent 1.3 punctual 1.3 quaint 1.3 radiant 2.4 rapture 2.7
rational 0.9 ready 0.6 reasonable 1.3 recommendation 1.2 recover 1.3 recovered 1.4
recovery 1.4 redeem 1.3 redeeming 1.4 refined 1.4 reform 0.6 reformed 1 rejoice 2.7
relish 1.9 remarkable 2.2 remedy 1.3 renowned 2 reputable 1.7 resilient 1.8 resolve 1.2
resourceful 1.8 respectable 1.6 restful 1.8 restore 1.3 restored 1.6 revitalize 1.8
revolutionary 1.6 righteous 1.4 robust 1.5 rosy 1.6 safely 1.4 saint 1.9 salvation 1.9
sane 1 satisfactory 1.3 save 1.2 saved 1.4 savings 1.2 savvy 1.5 scenic 1.8 secure 1.4
security 0.8 sensational 2.7 sensible 1.4 sensitive 0.6 serenity 2.1 sharp 1.2 shine 1.7
shining 2 simplicity 1.3 sincerity 1.8 skilled 1.6 sleek 1.5 smartest 2 smashing 2.5
snappy 1.3 soulful 1.8 sparkling 2 spirited 1.7 splendidly 2.7 sporty 1.1 stable 1.2
steadfast 1.7 steady 1 stimulating 1.9 straightforward 1.1 strengthen 1.4 striking 1.5
strongest 1.8 stunned 0.6 stupendous 2.8 sturdy 1.4 suave 1.5 succeeding 2.2
successfully 2.4 sufficient 0.9 suitable 1.2 sunny 1.6 sunshine 2 superstar 2.4 support 1.3
supreme 2 surpass 1.6 sweeter 2 sweetest 2.5 swift 1.2 sympathy 1.3 talented 2.3
tasteful 1.7 terrifically 2.9 thankfully 2 thoughtfully 1.9 thrill 2.3 thrive 2.2 tidy 1.2
timeless 2 tolerant 1.3 top-notch 2.6 tranquility 2 transform 0.9 treasure 2.3
tremendous 2.5 triumphs 2.5 trusting 1.5 trusty 1.6 truthful 1.8 ultimate 1.3
unbeatable 2.4 unbiased 1.2 understandable 0.9 unmatched 2.1 unrivaled 2.2 upbeat 2
uplift 2 upright 1.2 useful 1.6 usable 1 utmost 1 valiant 2 valor 1.9 venerable 1.5
verify 0.3 vibrant 2 victorious 2.7 vigilant 1 vigorous 1.4 virtue 1.8 virtuous 1.9
visionary 2 vital 1.3 vivacious 2.1 warmth 2 wealthy 1.3 welfare 0.7 whimsical 1.4
wholeheartedly 2.1 willing 1.1 winners 2.4 wisest 2.1 witty 1.8 wonder 1.2 wonders 1.5
wondrously 2.5 worthiness 1.6 zeal 1.6 zest 1.8 interested 1.1 interest 0.6 enjoyment 2.3
best-loved 2.6 better-than-expected 2 curse -1.8 cursing -1.7 frighten -1.9 frightens -1.9
invigorate 2 hacked -1.5 giggly 1.8 determination 1.4 collision -1.5 offender -1.7
convicted -1.8 drama -0.8 sympathize 1 true 0.8 truth 0.8 surprise 0.8 surprised 0.6
surprising 0.6 surprisingly 0.8 heart 0.8 hearts 0.8 rare 0.3 quirky 0.7 familiar -0.2
loud -0.4 cold -0.6 heavy -0.3 low -0.5 thin -0.7 plain -0.3 obvious -0.5 minor -0.3
average -0.4 usual -0.3 melodrama -0.6 melodramatic -1 gags 0.3 emotional 0.4 spirit 0.9
imagination 1.3 intelligence 1.3 appeal 1.1 wild 0.3 suspense 0.6 suspenseful 1.4
blood -0.8 moral 0.5 chemistry 0.9 energy 0.8 delivers 1.1 deliver 0.8 manages 0.5
proves 0.4 please 0.3 enough 0.4 hurrah 2.3 boycott -1.3 gag -1.5 nausea -1.8 angst -1.7
ennui -1.2 ultimately 0 hip 0.6 sentimental -0.3 works 0.5 returned -0.8 refund -0.7
overall 0
"#;

/// Workplace and HR vocabulary: pay, benefits, layoffs, policy, IT.
const WORKPLACE: &str = r#"
layoff -2.5 layoffs -2.6 laid-off -2.5 lay-off -2.5 lay-offs -2.6 furlough -2.2
furloughed -2.3 furloughs -2.2 downsizing -2.2 downsize -2 downsized -2.2 rightsizing -1.8
restructuring -1.3 restructure -1 reorg -1.1 reorgs -1.3 reorganization -0.8
redundancy -1.9 redundancies -2.1 redundant -1.4 fired -2.3 firing -1.8 terminated -1.9
termination -1.9 severance -0.8 outsourcing -1.5 outsourced -1.6 offshoring -1.6
cutback -1.9 cutbacks -2 cut -1.5 cuts -1.7 cutting -1.5 slash -1.8 slashed -2
slashing -1.9 reduced -1.1 reduction -1.2 reductions -1.3 reduce -0.8 eliminated -1.5
eliminating -1.5 eliminate -1.2 removed -1.1 removing -1.1 scrapped -1.6 axed -1.9
discontinued -1.4 discontinuing -1.4 revoked -1.6 clawback -1.8 freeze -1 frozen -1.1
froze -1.1 downgrade -1.8 downgraded -1.8 underpaid -2.3 overworked -2.3 understaffed -2.1
short-staffed -2 overloaded -1.8 overload -1.7 burnout -2.5 burned-out -2.4 burnt-out -2.4
overtime -0.4 unpaid -1.5 mandatory -0.7 mandated -0.7 forced -1.4 micromanage -2.1
micromanages -2.1 micromanaging -2.1 micromanagement -2.2 micromanaged -2.1 favoritism -2.2
favouritism -2.2 nepotism -2.3 retaliation -2.8 retaliate -2.5 retaliated -2.7
retaliatory -2.7 reprisal -2.4 grievance -1.5 lawsuit -1.6 discriminatory -2.5
inequity -1.9 inequitable -1.9 underfunded -1.6 underpay -2 exploiting -2.3
surveillance -1.3 monitoring -0.3 spying -2 creepy -2.1 intrusive -1.8 invasive -1.7
bureaucracy -1.3 bureaucratic -1.4 red-tape -1.4 paperwork -0.6 commute -0.5 commuting -0.5
rto 0 hybrid 0.2 remote 0.2 wfh 0.5 perks 1.3 perk 1.2 stipend 1 pto 0.7 payout 0.8
raise 1.3 pay-rise 1.6 payrise 1.6 merit 1 profit-sharing 1.5 match 0.4 pension 0.5
retirement 0.4 coverage 0.3 insured 0.6 uninsured -1.5 premiums -0.5 deductible -0.5
deductibles -0.6 copay -0.5 copays -0.5 out-of-pocket -0.9 increase 0.3 increased 0.3
hike -1 hikes -1.1 inflation -1 pay-cut -2.5 paycut -2.5 stack-ranking -1.8 pip -1
demoted -2.1 demotion -2 morale 0.7 engagement 0.7 retention 0.6 attrition -1.2
turnover -0.9 quit -1.2 quitting -1.2 resign -1.1 resigned -1.1 resignation -1.2
exodus -1.8 onboarding 0.3 mentorship 1.3 mentoring 1.2 mentor 1.2 coaching 1 training 0.3
upskilling 1.1 learning 0.8 growth 1.3 career 0.5 promotions 1.5 raises 1.2 bonus 1.6
equity 0.8 fairer 1.6 equitable 1.6 inclusive 1.6 inclusion 1.3 diversity 1 belonging 1.5
wellbeing 1.5 well-being 1.5 self-care 1 ergonomic 1 upgrade 1.5 streamlined 1.2
streamline 0.8 streamlining 0.3 simplified 1.2 simplify 1 simplifying 1 clarity 1.4
clarified 1.1 clarifying 1 informative 1.6 helpdesk 0 outage -1.7 outages -1.8
downtime -1.3 lockout -1.5 locked -0.8 rollback -0.8 backlog -1 bottleneck -1.3
overdue -1.2 backpay -0.3 underwater -1.5 rifs -2.2 rif -2 reshuffle -0.9 shakeup -0.9
shake-up -0.9 cancelled -1.3 canceled -1.3 cancelling -1.3 canceling -1.3 cancel -1
postponed -0.9 delayed -1.3 denied -1.6 rejected -1.9 overruled -1.3 blindsided -2.3
scrambling -1.4 rushed -1.3 half-baked -1.9 ill-conceived -2.1 poorly-planned -2
short-sighted -1.8 shortsighted -1.8 tone-deaf -2 buzzwords -1 buzzword -0.9
corporate-speak -1.3 jargon -0.8 spin -0.8 lip-service -1.8 checkbox -0.8 box-ticking -1.4
gaslighting -2.6 gaslight -2.5 gatekeeping -1.7 overreach -1.5 pay-gap -1.6
compression -0.6 fairness 1.6 flexible 1.4 supportive 2.1 appreciated 2.2 thankyou 2
appreciation 2.2 shoutout 1.9 shout-out 1.9 well-deserved 2.3 hardworking 1.6
hard-working 1.6 teammates 0.6 colleagues 0.4 coworkers 0.4 caregivers 0.5 parental 0.3
childcare 0.6 fertility 0.3 enrolment 0 enrollment 0 dependents 0 dental 0 vision 0
premium 0.5 finally 0.5 again -0.5 another -0.1 yet -0.2 still -0.2 always 0 lol 1.4
suddenly -0.3 skeleton-crew -1.7 unsustainable -2 sustainable 1 burn-out -2.4 burnt -1.2
game-changer 2.3 cost-cutting -1.5 half-hearted -1.3 so-so -0.5 subsidy 0.8
reimbursement 0.5 allowance 0.5 families 0.5
"#;

/// Internet slang, interjections and initialisms.
const SLANG: &str = r#"
omg 0.3 omfg -0.4 lmfao 2 lolol 1.6 hehe 1.6 heh 0.8 xd 1.9 xoxoxo 2.6 muah 2 awww 1.4
aww 1.2 awe 1.5 yesss 2.2 yess 2 yasss 2.3 nooo -1.5 noooo -1.7 boohoo -1.7 grr -1.8
grrr -2 ughh -2 ugh -1.9 pfft -1.2 psh -0.8 bleh -1.2 blergh -1.3 booo -1.9 yikes -1.5
oof -1.3 welp -0.5 ffs -2.2 stfu -2.6 gtfo -2.5 wtf -2.2 sob -1.9 sobs -1.9 lmao 1.7
lulz 1.5 rotfl 2 rotflmao 2.1 haha 1.8 hahah 1.9 hahahaha 2.1 ha 1.2 hah 1 gg 1.3 ftw 2
woo 2 woooo 2.3 whoop 2 whoo 2 yay 2.3 yayy 2.4 ily 2.9 ilu 2.8 bff 2 bestie 2.1 hottie 1.9
rad 1.9 sweet 2 suckage -2 sux -1.7 sukz -1.6 crapola -1.8 fugly -2.5 effed -2.1 meh -1
whatever -0.5 boo-hoo -1.7 fab 2.5 smiley 2 wtg 2.3 ass -1.2 badass 1.4 dizzy -1.2
yummy 2.4 sore -1.4
"#;

/// ASCII emoticons, matched case-sensitively as whole chunks.
const EMOTICONS: &str = r#"
:) 2 :-) 2 :)) 2.3 :))) 2.5 (: 2 =) 1.9 :] 1.8 =] 1.8 :D 2.3 :-D 2.3 =D 2.3 xD 2 XD 2
8) 1.7 8-) 1.7 ;) 1.5 ;-) 1.5 ;D 1.9 :P 1.3 :-P 1.3 :p 1.2 :-p 1.2 ;P 1.2 <3 2.9 <33 3
<333 3.1 ^^ 1.8 ^_^ 2.1 :* 2 :-* 2 :( -2.1 :-( -2.1 :(( -2.4 ): -2 =( -2 :[ -1.9 :/ -1.1
:-/ -1.1 :\ -1.1 :| -0.6 :-| -0.6 :'( -2.4 :'-( -2.4 D: -2.1 >:( -2.6 >:-( -2.6 :@ -2.4
</3 -2.6 -_- -1.3 >_< -1.4 T_T -2.2 ;( -2.1 :S -1 :s -1 :o 0.3 :O 0.3 :c -1.8 :C -1.8
=/ -1.1 c: 1.5
"#;

/// Emoji, one code point each (variation selectors and skin tones are ignored).
const EMOJI: &str = r#"
😀 2.3 😃 2.4 😄 2.5 😁 2.3 😆 2.3 😅 1.1 🤣 2.1 😂 1.9 🙂 1.4 🙃 0 😉 1.5 😊 2.4 😇 2.1 🥰 2.9 😍 2.9
🤩 2.9 😘 2.5 😗 1.4 ☺ 2.1 😚 2.1 😙 1.8 😋 2 😛 1.4 😜 1.5 🤪 1.2 😝 1.3 🤑 0.7 🤗 2.2 🤭 0.8 🤫 0
🤔 -0.2 🤐 -0.3 🤨 -0.6 😐 -0.5 😑 -0.9 😶 -0.4 😏 0.2 😒 -1.6 🙄 -1.5 😬 -0.9 🤥 -1.3 😌 1.5 😔 -1.8
😪 -1.3 🤤 0.4 😴 -0.2 😷 -1 🤒 -1.6 🤕 -1.7 🤢 -2.3 🤮 -2.6 🥵 -0.8 🥶 -0.7 🥴 -0.8 😵 -1.3 🤯 -0.5
🥳 2.7 😎 1.9 🤓 0.7 😕 -1.3 😟 -1.7 🙁 -1.6 ☹ -1.9 😮 0 😯 -0.1 😲 0 😳 -0.6 🥺 -0.7 😦 -1.4 😧 -1.6
😨 -2 😰 -2 😥 -1.6 😢 -2.1 😭 -2 😱 -1.8 😖 -2 😣 -1.8 😞 -2.1 😓 -1.6 😩 -2 😫 -2.1 🥱 -1 😤 -1.9
😡 -2.7 😠 -2.5 🤬 -2.9 😈 -0.5 👿 -2.2 💀 -0.6 ☠ -1.8 💩 -2 🤡 -1.6 👍 1.8 👎 -2 👏 2 🙌 2.4 🙏 1.5
💪 1.9 🤝 1.5 👌 1.6 ✌ 1.4 🤞 1.1 🖕 -2.8 ❤ 2.8 🧡 2.6 💛 2.6 💚 2.6 💙 2.6 💜 2.6 🖤 1 🤍 2.2 💕 2.8
💞 2.7 💓 2.6 💗 2.7 💖 2.8 💘 2.6 💝 2.6 💔 -2.5 🎉 2.6 🎊 2.5 🥂 2.2 🍾 2.2 🎈 1.8 🎁 2 🏆 2.3 🥇 2.2
🌟 2.2 ⭐ 1.9 ✨ 1.8 💯 2.1 🔥 1.3 🌈 1.8 ☀ 1.5 🌞 1.8 🌻 1.7 🌸 1.6 🌹 1.8 💐 2 ✅ 1.2 ❌ -1.4 ⚠ -0.9
🚩 -1.6 📉 -1.3 📈 1.1 💸 -0.6 💰 1.1 💵 0.8 🤷 -0.3 🤦 -1.7 🙈 0.2 😺 1.8 😸 2.1 😹 1.9 😻 2.6 😿 -2
😾 -1.9 🙀 -1 👋 0.8 👀 -0.2
"#;

/// Listed at or near zero so that inflection fallbacks do not misfire ("likely" is not "like").
const NEUTRAL: &str = r#"
lately 0 likely 0 unlikely 0 goods 0 witness 0 hitting 0 meaning 0 means 0 kindly 1.5
evening 0 sorted 0.3 timely 0.8 whew 0.6 phew 0.6 thriller 0 thrillers 0 player 0 players 0
dealer 0 lover 1 stranger -0.2 fighter 0.3
"#;

/// Multi-word expressions, words joined by '_'; matched before single words.
const PHRASES: &str = r#"
thank_you 2 thanks_again 2 thank_you_again 2.2 thank_u 1.9 thanks_for_nothing -2.4
thanks_a_lot 1.6 thank_god 1.6 thank_goodness 1.7 yeah_right -1.6 yea_right -1.6
so_much_for -1.5 no_thanks -1.2 no_thank_you -1.2 no_problem 1.3 no_worries 1.2
no_doubt 0.6 just_what_we_needed -1.3 just_what_we_need -1.3 what_a_joke -2.2 a_joke -1.6
the_joke -1 big_deal -0.3 good_luck 1.6 best_of_luck 2 well_done 2.4 well_deserved 2.3
well_made 2 well_worth 2.2 well_written 2.1 well_acted 2 well_played 1.8 as_well 0
well_being 1.5 fair_enough 0.8 not_bad 1.2 not_great -1.2 pretty_much 0 kind_regards 0
best_regards 0 warm_regards 0 at_least 0 can't_wait 1.9 cant_wait 1.9 cannot_wait 1.9
can't_believe -0.6 cant_believe -0.6 fed_up -2.2 sick_of -2.1 tired_of -1.8
sick_and_tired -2.4 had_enough -1.9 pay_cut -2.5 pay_cuts -2.5 paycheck_to_paycheck -1.8
hiring_freeze -1.6 pay_freeze -2 salary_freeze -2 wage_freeze -2 laid_off -2.5 let_go -1.6
lay_off -2.4 coverage_ends -1.6 no_longer -1.1 taken_away -1.6 take_away -1.2
taking_away -1.5 step_backwards -1.8 step_backward -1.8 step_back -1.3 step_forward 1.5
step_in_the_right_direction 1.8 right_direction 1.5 wrong_direction -1.7 game_changer 2.3
lip_service -1.8 tone_deaf -2 out_of_touch -1.8 slap_in_the_face -2.6
kick_in_the_teeth -2.5 last_straw -2 in_the_dark -1.2 kept_in_the_dark -1.8
on_the_cheap -1.3 red_tape -1.4 cost_cutting -1.5 more_with_less -1.5 extra_mile 1.2
above_and_beyond 2.4 went_above_and_beyond 2.6 high_five 2 big_thanks 2.3 heads_up 0.4
piece_of_cake 1.5 waste_of_time -2.2 waste_of_money -2.2 rip_off -2.4 ripped_off -2.4
fell_flat -1.8 falls_flat -1.8 worth_it 1.9 worth_watching 2 worth_seeing 2 must_see 2.6
the_bomb 2.3 da_bomb 2.3 for_good 0 good_grief -1 oh_well -0.5 not_happy -1.8
no_one_cares -2 nobody_cares -2 not_fair -1.8 how_dare -2.2 shut_down -1.3 wiped_out -1.8
let_down -2 put_off -1 turned_off -1.3 bummed_out -1.8 stressed_out -2 freaked_out -1.9
burned_out -2.4 burnt_out -2.4 worn_out -1.8 back_to_square_one -1.5 over_the_moon 2.9
on_cloud_nine 2.9 on_top_of_the_world 2.7 fingers_crossed 1.2 pat_on_the_back 1.8
hats_off 2.2 hat_off 2 two_thumbs_up 2.6 thumbs_up 1.9 thumbs_down -1.9 top_notch 2.6
first_rate 2.4 second_rate -1.8 third_rate -2.1 half_hearted -1.3 run_of_the_mill -0.9
so_so -0.5 cool_cool_cool -1.2 drop_the_ball -1.8 dropped_the_ball -1.8 under_the_bus -2.2
kicked_the_can -1.2 glass_ceiling -1.5 silver_lining 1.3 breath_of_fresh_air 2.4
blown_away 2.6 fell_in_love 2.8 falling_in_love 2.6 in_love 2.6 deserve_better -1.1
deserves_better -1.1 deserved_better -1.1 no_wonder 0 my_bad -0.6 the_shit 1.8
not_worth -1.6 fall_short -1.6 falls_short -1.6 fell_short -1.6 falling_apart -2
bother_to 1 bothered_to 1 bothers_to 1 kick_ass 2 kicks_ass 2 kicked_ass 1.9
cut_the_crap -1 cut_the_bullshit -1 diamond_in_the_rough 1.8 no_matter 0
stopped_working -1.8 stops_working -1.8 worth_every_penny 2.5 highly_recommend 2.4
dont_buy -1.8 don't_buy -1.8 oh_no -1.5 oh_noes -1.5 ugh_no -1.8 no_way -0.8
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_entry_parses_and_is_in_range() {
        for list in [
            GENERAL_POSITIVE,
            GENERAL_NEGATIVE,
            GENERAL_MORE,
            WORKPLACE,
            SLANG,
            EMOTICONS,
            EMOJI,
            NEUTRAL,
            PHRASES,
        ] {
            let tokens = list.split_whitespace().count();
            assert_eq!(tokens % 2, 0, "odd token count in a list");
            let parsed: Vec<_> = entries(list).collect();
            assert_eq!(parsed.len() * 2, tokens, "unparsable valence in a list");
            for (w, v) in parsed {
                assert!((-4.0..=4.0).contains(&v), "{w} has valence {v}");
            }
        }
    }

    #[test]
    fn inflections_fall_back_to_stems() {
        assert!(valence("disappoints").is_some_and(|v| v < 0.0));
        assert!(valence("happily").is_some_and(|v| v > 0.0));
        assert!(valence("unimpressive").is_some_and(|v| v < 0.0));
        assert!(valence("goooood").is_some_and(|v| v > 0.0));
        assert_eq!(valence("table"), None);
    }
}

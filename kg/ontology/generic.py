"""Which names are ordinary words: an alias that is one of them must not link on the name alone.

The landscape and the awesome lists are full of projects named with common English words (Kind, Flux,
Harbor, Stack, Atlas, Pilot...). The importer marks such aliases `ambiguous`, so that the linker needs
further evidence (see ontology/README.md, "The ambiguity rule"). The list is data, reviewed by hand and
extended from words seen lower-case in the shared corpus; keep it sorted within each line group.
"""

from __future__ import annotations

import re

_WORDS = """
a able about access accord accordion account ace act action active adapt adapter admin advisor agent agile
aim air alert alerta algo alias all alloy alpha ambassador ambient anchor angle answer ant antenna anvil
apollo app apple apply arch archer arena argus ark armor arrow art artifact ascend asset astra
astro atlas atom atomic audit aura auth auto avalanche axis backstage badger balance ballast bamboo banner
bare base basic batch beacon beam bear beat bee bell bento beta bind bird bit black blade blaze blink
block bloom blue blueprint boat bolt bond bonsai boost boot border bosun bot bounce box brain branch bridge
bright bring broker bubble buck buddy buffer build builder bulk bullet bundle bus butler buzz cabin cache
cadence cake calico camel canal canary candle cannon canvas capsule captain cargo carbon cargo carrier cart
cascade castle catalog cell center central chain chaos charm chart chat check cheetah chef cherry chorus
chronos circle citadel city claim clamp clarity clay clear cli click cliff climate clip clock cloud
clover cluster client coach coast cobalt code cog coin collect colony color comet command commander
commit common
compass compose concord conduit config connect console constellation contour control convoy copper core
corral cortex cosmos cottage counter courier cove crane crate create crew cricket crow crown
cruise crystal cube current cursor curve custom cyclone dagger dart dash data dawn deck delta den depot
desk detect dev devo dial diamond digest dino direct dispatch dive dock doctor domain dome door
dot dove draft dragon drift drill drive drone drop dune dusk dust dynamo eagle earth echo eclipse
edge element elephant ember emerald empire engine epoch equinox escape ethos event evolve exact
excel express eye fabric factor falcon feast feather fence ferry fiber field filter finch
fire flag flame flash fleet flex flight flint float flock flow flower fluent flume flux fly focus
forge form fortress forward fossil foundation fox frame freedom friend frontier frost fuel function fury
fusion galaxy gate gateway gauge gear gem genesis ghost giant glass glide glimpse globe glow go goal gold
golden grace grain graph graphite gravity great green grid grove guard guardian guide gull hammer
harbour harmony harness harvest haven hawk heal heart heat helix hermes hero hex hive hold hollow
home honey hook hop horizon hornet host hound hub hydra ice icon idea ignite image impact index infinity
ink insight inspect instance integral iris iron island ivy jade jaguar jet jewel journey judge juno jupiter
keel keeper kernel key kind king kite knight koala lab ladder lagoon lake lamp lance land lantern lark laser
latch lattice launch lava layer lead leaf lease ledger lens level lever liberty light lighthouse lime
linker link lion liquid lite loader lock locust locus logic loom loop lotus lumen luna lynx machine magic
magnet mail manifest maple marble mariner mars mask matrix maven maze meadow medic mercury merlin mesh
meta meteor metric metro micro mill mind mint mirror mist moat mode model module monitor moon
mosaic motion mountain mouse move muse nebula nest net network neuron nexus night ninja noble node nomad
north nova nucleus oak oasis ocean octopus odyssey olympus omega onyx open opera operator optic oracle
orbit orca orchard origin osprey otter outpost owl oxygen pace pack packer paddle panda panel panther
paper parcel park pass patch path pathfinder patrol peak pearl pebble pegasus pelican pepper phantom
phoenix pilot pine pioneer pipe pipeline pirate pivot pixel plan planet plank plate platform plaza plug
plumber pod point polar pole polaris pond pool portal port porter post pouch power prairie prism probe
process prism project proof prophet proton proxy pulse puma pump puppet puzzle pyramid quail
quantum quark quartz quest queue quick radar radius rail rain rainbow ranger rapid raven ray reach
reactor realm recall record redshift reef relay remote render rescue reservoir ridge ring ripple rise
river road robin rock rocket root rover ruby rudder runner rush rust saga sage sail salt sandbox
satellite saturn scale scanner scope scout scribe sea seal secret sentinel sentry sequoia serenity serverless
service shadow shard shark shell shelter shield ship shipyard shore sight sigma signal silk silver simple
sirius skipper sky slate sled slice slim smart smith snake snap snow socket solar solo sonar spark spear spec
spectrum sphere spider spin spire spirit spot spring spruce squid stack stage star starboard
station steel stem stone storm stream stride strike studio summit sun super surf swallow swan swarm swift
switch sword symphony sync tail talon tank target task teleport tempo terra thunder tide tiger
timber titan token tool topaz torch tower trace track trail train transit traveler treasure tree trek
triton trident trust tube tug tunnel turbine turtle twist unity universe uplink urban valet valley
vanguard vault vector velocity venus vertex viking vine violet viper vision vista voice volcano vortex
voyager wagon walrus wand warden watch watcher watchtower wave way weave web whale wheel whisper wind
window wing wire wizard wolf worker workflow x-ray yacht yard yield zen zenith zephyr zero zone

agenda architect attribute beats booster boundary bucket burn contributor controlplane dashboard dataset
distribution embrace enum eventing factory formal framework guidance highlight img indeed infra intercept
keep lima marathon meta middleware near orange outlines posit replicated rider score serving split squash
stern stdlib tilt traversal unstructured eureka stack operator open pilot mesh swift atlas
actions adopt advance agency aim alive allow amplify analyze anywhere apex appear approve april arise
assemble assist assure august aware away backup bakery balancer bare bastion bazaar beyond big bind bless
bloom board bold bonfire boss bound brave breeze brick brief broad brook brush buddy build bullseye
burrow cadence calm camp capital carbon cards care carry case cast catch cause champion change channel
charge charter chase cheap chief choice chunk circuit citizen civic claim class clean clever climb close
cloudy coast collector comply compass compute concept conductor confluence console context convert cook
copilot count courier cover craft crank crisp cross crowd cube culture cypress daily dare dart dawn
deal debug decide deep defense define deliver demand deploy desire detail develop device diagram digital
direction discover dispatcher display distill diver divide dock docs domino draw dream drive drum duck
early ease east easy echo edit effect elastic elevate emit empower enable encore endless energy enforce
engage enjoy enter envision equal escape essential ever evolve exact exceed expand expert explore express
extend fabric fair faith fast fathom feature feed fetch fiddle figure final find fine first fit fix flat
fleet flight flip float fluid focus fold follow force forecast forest fortune forward foundry fountain
frame free fresh front fuse future gain garden gather gauge general genie gentle giant gift glance global
glue goals grab grade grand graph grasp gravity ground group grow guard guru habit halo hand handle happy
harmony haste head heap heartbeat helper herald hero high hint hive holder honest hope hub humble hunt
hyper idle ignite image imagine impact import impulse inbound incident index infinity inform inject
inlet insight inspire instant intent intro invent invite island jet join journal journey judge jump just
keen kernel keystone kinetic kit knack label lambda land lane launch layer lead lean learn ledger legacy
lens level lever lift limit line linear link listen live load local locate lock logic loop lucid luminous
magnet main major maker manage map march market master match matter maximize measure meet memory mentor
merge method metric mighty mind minimal mirror mission mobile modern moment monarch monitor motion mount
move native navigate neat needle neon network next nimble noble north notion novel nucleus nudge object
observe ocean offer office omni onward optimize option orbit order organic origin outlook outpost output
pace pact palette parallel parcel parrot partner passport patch path pattern peak pebble penny perfect
permit persist pillar pinpoint pipeline pivot place plain planner platform plot plume plus pocket point
polish portal portfolio pose precise premier presence pressure prime prism private probe process produce
profile progress prompt proof propel prospect protect proxy pulse pure purpose push quest quick quiet
radiant rally range rapid rate reach ready real realm reason recall record refine reflect relay
release reliable render repair replay report rescue resolve resource restore retain reveal review rhythm
right rise road robust rocket root route rover rule runner runtime sage sail salute sample scale scan
scout screen script seal search season second secure seed select sense sequence serve session settle
shape share sharp shelf shift shine ship shore show signal silo simple sketch skill slate smart snap
solid solve sonic sound source spark speak spectrum speed sphere spin splash spot spring sprout square
stable stage standard start state steady steel step stitch stock storage store story stream strong
studio style subject summit supply support surge survey sustain switch symbol sync system table tactic
talent target task team tech tempo terrain test thread thrive tide timber time titan token tone top
total touch tower trace track trade trail train transform transit travel trend tribe trigger true trust
tune turbo turn twin ultra union unit unity upgrade upper urban usage valid value vector velocity venture
verify version vertex view vigil vision visit vista vital voice volt vortex voyage wake walk ward watch
wave way wealth weave welcome west whole wide wild willow wind wing wise wonder work world yield zone
"""

_TECH = """
api apm auth bpf c cd ci cli cloud cluster container containers db devops dns ebpf gateway
git go gpu http https ide json linux mesh ml oci os rest rpc sdk serverless sql ssh tls
ui vm wasm web yaml
"""

GENERIC_WORDS: frozenset[str] = frozenset(_WORDS.split()) | frozenset(_TECH.split())
_WORD_SPLIT = re.compile(r"[\s_\-./]+")


def is_generic(alias: str) -> bool:
    """True when the alias, alone, is an ordinary word (or too short to be a name)."""
    text = alias.strip()
    if len(text) <= 2:
        return True
    return text.lower() in GENERIC_WORDS

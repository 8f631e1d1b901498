#include "catalog.hpp"

#include <array>

namespace sim {

namespace {

using sv = std::string_view;

constexpr std::array<sv, 4> us_prefixes{"111", "112", "113", "114"};
constexpr std::array<sv, 2> ca_prefixes{"701", "702"};
constexpr std::array<sv, 4> uk_prefixes{"202", "203", "204", "205"};
constexpr std::array<sv, 4> de_prefixes{"302", "303", "304", "305"};
constexpr std::array<sv, 3> jp_prefixes{"249", "250", "503"};

constexpr std::array<sv, 12> us_first{"James", "Mary",  "Robert", "Patricia", "Michael", "Jennifer",
                                      "David", "Linda", "José",   "Chloé",    "Aaliyah", "Wei"};
constexpr std::array<sv, 12> us_last{"Smith",  "Johnson", "Williams", "Brown",    "García", "O'Connor",
                                     "Miller", "Davis",   "Nguyen",   "Martínez", "Lee",    "Anderson-Clark"};
constexpr std::array<sv, 10> uk_first{"Oliver", "Amelia", "Harry",   "Isla",   "George",
                                      "Ava",    "Noah",   "Siobhán", "Arthur", "Freya"};
constexpr std::array<sv, 10> uk_last{"Taylor", "Davies", "Evans",   "Thomas", "Roberts",
                                     "Wright", "Walker", "O'Brien", "Hughes", "Patel"};
constexpr std::array<sv, 10> de_first{"Jürgen", "Anna", "Lukas", "Sophie", "Maximilian",
                                      "Lena",   "Jörg", "Marie", "Felix",  "Zoë"};
constexpr std::array<sv, 10> de_last{"Müller", "Schmidt", "Schneider", "Fischer", "Weiß",
                                     "Groß",   "Becker",  "Hoffmann",  "Schäfer", "Koch"};
constexpr std::array<sv, 8> jp_first{"太郎", "花子", "一郎", "美咲", "健", "Yuki", "Haruto", "Sakura"};
constexpr std::array<sv, 8> jp_last{"山田", "佐藤", "鈴木", "高橋", "田中", "Watanabe", "Ito", "Nakamura"};

constexpr std::array<sv, 8> us_streets{"# Main Street",      "# Maple Avenue", "# Oak Street",
                                       "# Pine Road",        "# Cedar Lane",   "# Lakeview Dr",
                                       "# Elm Street Apt 4", "# 5th Avenue"};
constexpr std::array<sv, 6> ca_streets{"# Queen Street West", "# Rue Sainte-Catherine", "# Granville Street",
                                       "# King Street East",  "# Jasper Avenue",        "# Robson Street"};
constexpr std::array<sv, 6> uk_streets{"# High Street",   "# Station Road", "Flat 3, # Church Lane",
                                       "# Victoria Road", "# Green Lane",   "# Mill Lane"};
constexpr std::array<sv, 6> de_streets{"Hauptstraße #",    "Gartenweg #", "Bahnhofstraße #",
                                       "Schillerstraße #", "Am Markt #",  "Lindenallee #"};
constexpr std::array<sv, 5> jp_streets{"#-2-3 Shibakoen", "#-1 Umeda", "#-5-2 Kita 3-jo Nishi", "港南#-2-1",
                                       "#-4 Sakae"};

constexpr std::array<City, 7> us_cities{{{"Seattle", "WA", "98101", 1025},
                                         {"Austin", "TX", "78701", 825},
                                         {"Portland", "OR", "97205", 0},
                                         {"Denver", "CO", "80202", 881},
                                         {"Brooklyn", "NY", "11201", 887},
                                         {"Columbus", "OH", "43215", 775},
                                         {"Miami", "FL", "33131", 700}}};
constexpr std::array<City, 4> ca_cities{{{"Toronto", "ON", "M5V 2T6", 1300},
                                         {"Vancouver", "BC", "V6B 1A1", 1200},
                                         {"Montréal", "QC", "H2X 1Y4", 1497},
                                         {"Calgary", "AB", "T2P 1J9", 500}}};
constexpr std::array<City, 4> uk_cities{{{"London", "Greater London", "EC1A 1BB", 2000},
                                         {"Manchester", "Greater Manchester", "M1 2AB", 2000},
                                         {"Bristol", "Bristol", "BS1 4DJ", 2000},
                                         {"Edinburgh", "Scotland", "EH1 1YZ", 2000}}};
constexpr std::array<City, 4> de_cities{{{"Berlin", "Berlin", "10115", 1900},
                                         {"München", "Bayern", "80331", 1900},
                                         {"Köln", "Nordrhein-Westfalen", "50667", 1900},
                                         {"Hamburg", "Hamburg", "20095", 1900}}};
constexpr std::array<City, 4> jp_cities{{{"港区", "東京都", "105-0011", 1000},
                                         {"Osaka", "Osaka", "530-0001", 1000},
                                         {"Sapporo", "Hokkaido", "060-0003", 1000},
                                         {"名古屋市", "愛知県", "460-0008", 1000}}};

constexpr std::array<Carrier, 4> us_carriers{{{"UPS", "UPS Ground", "1ZXXXXXX##########"},
                                              {"USPS", "USPS Priority Mail", "9400##################"},
                                              {"FedEx", "FedEx Home Delivery", "############"},
                                              {"UPS", "UPS 2nd Day Air", "1ZXXXXXX##########"}}};
constexpr std::array<Carrier, 3> ca_carriers{{{"Canada Post", "Expedited Parcel", "################"},
                                              {"UPS", "UPS Standard", "1ZXXXXXX##########"},
                                              {"Purolator", "Purolator Ground", "############"}}};
constexpr std::array<Carrier, 3> uk_carriers{{{"Royal Mail", "Royal Mail Tracked 48", "AA#########GB"},
                                              {"DPD", "DPD Next Day", "##############"},
                                              {"DHL", "DHL Parcel UK", "JJD#################"}}};
constexpr std::array<Carrier, 3> de_carriers{{{"DHL", "DHL Paket", "00##################"},
                                              {"DPD", "DPD Classic", "##############"},
                                              {"Hermes", "Hermes Paket", "H###################"}}};
constexpr std::array<Carrier, 3> jp_carriers{{{"Japan Post", "Yu-Pack", "############"},
                                              {"Yamato Transport", "TA-Q-BIN", "############"},
                                              {"Sagawa Express", "Hikyaku Express", "############"}}};

constexpr std::array<Marketplace, 5> k_marketplaces{{
    {"ATVPDKIKX0DER", "Amazon.com", "USD", "US", "marketplace.amazon.com", us_prefixes, us_first, us_last,
     us_streets, us_cities, us_carriers, "+1 206-555-01##", 100, 499},
    {"A2EUQ1WTGCTBG2", "Amazon.ca", "CAD", "CA", "marketplace.amazon.ca", ca_prefixes, us_first, us_last,
     ca_streets, ca_cities, ca_carriers, "+1 416-555-01##", 136, 699},
    {"A1F83G8C2ARO7P", "Amazon.co.uk", "GBP", "GB", "marketplace.amazon.co.uk", uk_prefixes, uk_first,
     uk_last, uk_streets, uk_cities, uk_carriers, "+44 20 7946 0###", 79, 399},
    {"A1PA6795UKMFR9", "Amazon.de", "EUR", "DE", "marketplace.amazon.de", de_prefixes, de_first, de_last,
     de_streets, de_cities, de_carriers, "+49 30 5557 ####", 92, 399},
    {"A1VC38T7YXB528", "Amazon.co.jp", "JPY", "JP", "marketplace.amazon.co.jp", jp_prefixes, jp_first,
     jp_last, jp_streets, jp_cities, jp_carriers, "+81 3-5555-####", 150, 500},
}};

constexpr std::array<Product, 40> k_products{{
    {"Café mug — 350 ml, stoneware, matte white", "MUG-CAFE-350-WHT", 1499},
    {"Stainless Steel Water Bottle 750ml (Vacuum Insulated)", "BTL-SS-750-BLK", 2499},
    {"USB-C Charging Cable 2 m, braided (2-pack)", "CBL-USBC-2M-2PK", 1299},
    {"Wireless Ergonomic Mouse, 2.4 GHz, Silent Click", "MSE-ERGO-24G", 2999},
    {"Mechanical Keyboard 87-Key, Brown Switches", "KBD-TKL-BRN", 7999},
    {"Noise Cancelling Headphones, Over-Ear, Bluetooth 5.3", "HP-ANC-OE-53", 12999},
    {"LED Desk Lamp with Wireless Charger", "LMP-LED-QI", 3999},
    {"Yoga Mat 6 mm, non-slip, \"Ocean Blue\"", "YOGA-6MM-OCN", 2799},
    {"Cast Iron Skillet 10.25\" Pre-Seasoned", "SKL-CI-1025", 3499},
    {"French Press Coffee Maker 1 L", "FPR-1L-GLS", 2999},
    {"Organic Green Tea, 100 bags", "TEA-GRN-100", 1199},
    {"Paperback: The Pragmatic Gardener (2nd ed.)", "BK-PRAG-GARD-2", 1899},
    {"Kids' Puzzle 500 pcs — Map of the World", "PZL-500-WORLD", 1699},
    {"Phone Case for Pixel 8, clear", "CASE-PX8-CLR", 1499},
    {"Screen Protector 9H Tempered Glass (3 Stück)", "SCR-9H-3PK", 999},
    {"Kaffeebecher aus Keramik – 350 ml, Steingut", "MUG-DE-350-GRY", 1399},
    {"Edelstahl Brotdose mit Fächern", "BOX-LUNCH-SS", 2199},
    {"Schreibtischunterlage Filz 80×30 cm", "PAD-FELT-8030", 1999},
    {"ステンレス製 タンブラー 500ml", "TMB-JP-500", 2299},
    {"和紙ノート A5 方眼 (3冊セット)", "NB-WASHI-A5-3", 1599},
    {"抹茶 パウダー 100g 宇治産", "MATCHA-UJI-100", 2499},
    {"Bamboo Cutting Board Set, 3 pieces", "CB-BAMBOO-3", 2599},
    {"Hiking Socks Merino Wool (3 pairs) – Size M", "SOCK-MER-3-M", 1999},
    {"Smart Plug Wi-Fi, works with Alexa (4-pack)", "PLUG-WIFI-4PK", 2999},
    {"AA Rechargeable Batteries 2800mAh (8)", "BAT-AA-2800-8", 2299},
    {"Portable SSD 1TB USB 3.2 Gen 2", "SSD-1TB-U32", 8999},
    {"Gaming Mouse\x07 RGB 16000 DPI", "MSE-GAME-RGB", 4999},
    {"Notebook\tA5 lined, 2-pack", "NB-A5-LINED-2", 899},
    {"Red LED Strip \x1b[31m5 m\x1b[0m with remote", "LED-STRIP-5M", 1999},
    {"Label Maker\r\nwith 3 tapes", "LBL-MKR-3T", 3499},
    {"=SUM(A1:A9) Formula Cheat Sheet Poster", "PST-XLS-SUM", 1299},
    {"=HYPERLINK(\"http://example.invalid\",\"Click\") Sticker Pack", "STK-HYPER", 599},
    {"+Plus Size Rain Poncho, reusable", "PONCHO-PLUS", 1599},
    {"-20% Bundle: Pens & Markers (24)", "PEN-BNDL-24", 1399},
    {"@Home Desk Organizer, walnut", "ORG-DESK-WAL", 3299},
    {"Ceramic Plant Pot Ø 15 cm with saucer", "POT-CER-15", 1799},
    {"Émaille Tasse \"Camping\" 300 ml", "MUG-EMAIL-300", 1299},
    {"Electric Kettle 1.7 L, 2200 W", "KTL-17-2200", 3999},
    {"Replacement Filter Cartridges (6-pack)", "FLT-CART-6PK", 2499},
    {"Travel Adapter Worldwide, 4 USB ports", "ADP-TRAVEL-4U", 2799},
}};

constexpr std::array<sv, 8> k_companies{
    "Acme Widgets LLC",   "Nordwind Handels GmbH", "Maple Leaf Supplies Inc.", "Thames Office Supplies Ltd",
    "株式会社サクラ商事", "Blue Harbor Café LLC",  "Müller & Söhne KG",        "Pinecrest Dental Group"};

constexpr std::array<sv, 6> k_buyer_cancel_reasons{
    "Order placed by mistake",         "Found a better price",
    "Delivery time too long",          "Changed mind about purchase",
    "Need to change shipping address", "Item no longer needed"};

constexpr std::array<sv, 10> k_cancel_reasons{"NoInventory",
                                              "ShippingAddressUndeliverable",
                                              "CustomerExchange",
                                              "BuyerCanceled",
                                              "GeneralAdjustment",
                                              "CarrierCreditDecision",
                                              "RiskAssessmentInformationNotValid",
                                              "CarrierCoverageFailure",
                                              "CustomerReturn",
                                              "MerchandiseNotReceived"};

} // namespace

std::span<const Marketplace> marketplaces() {
    return k_marketplaces;
}
std::span<const Product> products() {
    return k_products;
}
std::span<const std::string_view> companies() {
    return k_companies;
}
std::span<const std::string_view> buyer_cancel_reasons() {
    return k_buyer_cancel_reasons;
}
std::span<const std::string_view> cancel_reasons() {
    return k_cancel_reasons;
}

} // namespace sim

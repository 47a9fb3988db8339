/*
 * xb_validate_geo.c - geographic identifiers: "is this latitude/longitude
 * pair in China" and the shape of a mainland postal code.
 *
 * Coordinates: the bounding box of China (lon 73.5-135.1, lat 3.8-53.6,
 * regulation.md §5.18) also contains Mongolia, the Korean peninsula, most of
 * Kyrgyzstan, Nepal, Bhutan, northern India, Myanmar, Laos, Vietnam,
 * Thailand, the Philippines and a lot of sea. So the box is only the first
 * filter; a point must then lie inside one of a few coarse polygons:
 *   - the mainland outline (about 170 vertices, hand-derived from the
 *     well-known border and coastline landmarks: river confluences, border
 *     passes and ports, capes), including Bohai and the near-shore islands;
 *   - Hainan; Taiwan with Penghu; the South China Sea islands area (a coarse
 *     outline around the Paracel, Zhongsha, Huangyan and Spratly groups down
 *     to Zengmu Ansha); two small boxes for Dongsha (Pratas) and the Diaoyu
 *     islands.
 * Accuracy: borders are followed to within roughly 20-60 km (coarser on the
 * Mongolian and Kazakh steppe borders, finer near capitals and large border
 * cities); places within that distance of a land border or a coast may fall
 * on the wrong side. The border in the south-west follows the boundary shown
 * on PRC standard maps. The South China Sea outline includes open sea. See
 * docs/validators.md.
 *
 * Postal codes: six digits whose first two digits are an allocated zone.
 */
#include "xb_validate.h"

#include "xb_validate_internal.h"

typedef struct geo_point {
    double lat, lon;
} geo_point;

/* Mainland, clockwise from the northernmost point (Mohe). */
static const geo_point mainland[] = {
    /* Amur (Heilongjiang) with Russia */
    {53.56, 123.30}, {53.20, 125.20}, {51.70, 126.80}, {50.20, 127.60},
    {49.55, 128.60}, {48.85, 130.55}, {47.70, 130.95}, {47.75, 132.60},
    {48.40, 134.40}, {48.25, 135.08},
    /* Ussuri, Lake Khanka, Primorye */
    {47.70, 134.75}, {46.90, 134.10}, {46.00, 133.70}, {45.30, 133.10},
    {45.05, 132.00}, {44.40, 131.25}, {43.40, 131.30}, {42.90, 131.10},
    {42.42, 130.60},
    /* Tumen and Yalu with the DPRK */
    {42.97, 129.85}, {42.25, 128.90}, {42.00, 128.05}, {41.45, 128.20},
    {41.10, 126.20}, {40.45, 124.90}, {40.10, 124.35}, {39.80, 124.10},
    /* Liaodong, Bohai strait, Shandong */
    {39.60, 123.30}, {38.70, 121.10}, {37.85, 120.75}, {37.55, 122.10},
    {37.40, 122.70}, {36.85, 122.40}, {36.05, 120.75}, {35.30, 119.60},
    {34.70, 119.50},
    /* Jiangsu, Shanghai, Zhejiang, Fujian */
    {33.50, 120.75}, {32.35, 121.45}, {31.70, 122.05}, {30.80, 122.60},
    {29.90, 122.45}, {29.10, 122.10}, {28.10, 121.20}, {27.00, 120.50},
    {26.10, 119.95}, {25.40, 119.90}, {24.50, 118.60},
    /* Guangdong, Hong Kong, Macau, Leizhou, Guangxi coast */
    {23.60, 117.40}, {23.10, 116.60}, {22.70, 115.40}, {22.10, 114.30},
    {21.80, 112.80}, {21.40, 111.20}, {20.90, 110.60}, {20.15, 110.25},
    {20.30, 109.70}, {21.40, 109.10}, {21.52, 107.93},
    /* Vietnam */
    {22.00, 106.70}, {22.85, 106.30}, {23.30, 105.80}, {23.40, 105.30},
    {22.50, 103.95}, {22.80, 103.40}, {22.40, 102.15},
    /* Laos */
    {21.15, 101.60}, {21.45, 101.15},
    /* Myanmar */
    {21.55, 100.10}, {22.15, 99.35}, {23.10, 99.10}, {23.75, 98.95},
    {24.05, 98.05}, {23.80, 97.55}, {24.75, 97.55}, {25.40, 98.15}, {26.00, 98.55},
    {26.60, 98.75}, {27.60, 98.65}, {28.15, 98.10}, {28.20, 97.35},
    /* India (east), Bhutan, Sikkim */
    {27.90, 96.40}, {27.55, 95.10}, {27.35, 94.00}, {26.95, 93.00},
    {26.90, 92.10}, {27.80, 91.70}, {28.10, 91.00}, {28.30, 90.30},
    {27.90, 89.50}, {27.25, 89.00}, {27.40, 88.82}, {27.90, 88.80},
    {28.10, 88.10},
    /* Nepal */
    {27.90, 88.00}, {28.00, 86.90}, {27.95, 86.00}, {28.30, 85.40}, {29.30, 84.00},
    {29.50, 83.00}, {30.40, 81.50}, {30.20, 81.05},
    /* India (west), Aksai Chin, Karakoram */
    {30.95, 79.60}, {31.80, 78.70}, {32.50, 78.45}, {32.70, 79.40},
    {33.30, 79.10}, {33.75, 78.80}, {34.75, 78.20}, {35.50, 77.80},
    /* Pakistan, Afghanistan, Tajikistan */
    {35.90, 76.50}, {36.85, 75.45}, {37.05, 74.90}, {38.45, 74.85},
    {39.30, 73.55},
    /* Kyrgyzstan */
    {39.80, 73.90}, {40.55, 75.40}, {40.95, 76.70}, {41.40, 78.20},
    {42.20, 80.20},
    /* Kazakhstan */
    {44.20, 80.35}, {44.95, 80.10}, {45.20, 82.55}, {46.00, 82.40},
    {46.75, 82.75}, {47.20, 83.10}, {47.30, 85.55}, {48.45, 86.60},
    {49.15, 87.35},
    /* Mongolia */
    {49.15, 87.80}, {48.00, 89.40}, {47.00, 90.40}, {46.00, 91.00},
    {45.20, 90.90}, {44.90, 92.50}, {44.20, 94.80}, {43.70, 95.50},
    {42.75, 96.40}, {42.70, 97.30}, {42.80, 100.00}, {42.60, 101.80},
    {42.40, 102.90}, {41.90, 104.00}, {41.60, 104.90}, {41.70, 105.50},
    {42.20, 107.00}, {42.40, 108.50}, {42.50, 109.70}, {43.20, 111.00},
    {43.70, 111.95}, {44.40, 112.40}, {44.80, 113.50}, {44.90, 114.80},
    {45.40, 116.30}, {46.30, 116.80}, {46.60, 117.70}, {46.60, 119.00},
    {46.90, 119.90}, {47.70, 119.20}, {47.95, 118.00}, {47.95, 117.10},
    {47.65, 115.85}, {48.20, 115.55}, {49.80, 116.70}, {49.62, 117.36},
    /* Argun with Russia */
    {50.10, 117.80}, {50.40, 119.20}, {51.30, 119.90}, {52.50, 120.70},
    {53.33, 121.40},
};

static const geo_point hainan[] = {
    {20.20, 110.00}, {20.15, 110.70}, {19.70, 111.10}, {19.00, 110.70},
    {18.50, 110.25}, {18.10, 109.60}, {18.40, 108.60}, {19.20, 108.55},
    {19.90, 109.30},
};

/* Taiwan island, Penghu, Green Island and Lanyu. */
static const geo_point taiwan[] = {
    {25.35, 121.45}, {25.20, 122.05}, {24.00, 121.80}, {22.60, 121.60},
    {21.85, 121.65}, {21.85, 120.80}, {22.40, 120.35}, {23.10, 119.25},
    {23.85, 119.35}, {24.45, 120.55}, {25.00, 121.00},
};

/* South China Sea islands: Xisha (Paracel), Zhongsha, Huangyan, Nansha
 * (Spratly) down to Zengmu Ansha; kept clear of the Vietnamese, Philippine,
 * Malaysian, Bruneian and Indonesian (Natuna) coasts. */
static const geo_point south_china_sea[] = {
    {17.50, 110.80}, {17.30, 113.00}, {16.80, 115.50}, {15.60, 118.00},
    {14.50, 118.00}, {11.80, 117.50}, {9.50, 116.80},  {8.00, 116.20},
    {6.30, 114.60},  {4.80, 113.70},  {3.85, 112.70},  {3.85, 111.80},
    {5.00, 109.90},  {7.50, 109.50},  {11.00, 109.90}, {14.00, 109.90},
    {15.80, 110.40},
};

typedef struct geo_box {
    double lat_min, lat_max, lon_min, lon_max;
} geo_box;

static const geo_box small_islands[] = {
    {20.55, 20.85, 116.65, 116.95}, /* Dongsha (Pratas) */
    {25.60, 26.00, 123.35, 124.65}, /* Diaoyu Dao and its islets */
};

/* Rectangles entirely inside the mainland polygon (checked on a 0.05-degree
 * grid when they were chosen): most real points are accepted here without
 * walking the ~170 edges. */
static const geo_box mainland_core[] = {
    {25.0, 40.0, 100.0, 118.0}, /* Yunnan/Sichuan to the Yellow Sea */
    {31.0, 40.0, 80.0, 100.0},  /* Tibet, Qinghai, southern Xinjiang */
    {40.5, 46.5, 118.0, 124.0}, /* Inner Mongolia east, Jilin, Liaoning */
    {23.5, 25.0, 104.0, 117.0}, /* Guangxi, Guangdong, southern Fujian */
};

static bool in_box(const geo_box *b, double lat, double lon)
{
    return lat >= b->lat_min && lat <= b->lat_max && lon >= b->lon_min &&
           lon <= b->lon_max;
}

/* Even-odd ray casting towards +lon. */
static bool in_polygon(const geo_point *p, size_t count, double lat, double lon)
{
    bool inside = false;
    for (size_t i = 0, j = count - 1; i < count; j = i++) {
        if ((p[i].lat > lat) != (p[j].lat > lat)) {
            double x = p[i].lon + (lat - p[i].lat) * (p[j].lon - p[i].lon) /
                                      (p[j].lat - p[i].lat);
            if (lon < x)
                inside = !inside;
        }
    }
    return inside;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

bool xb_valid_cn_coordinates(double lat, double lon)
{
    /* Written so that NaN fails every comparison and is rejected. */
    if (!(lat >= 3.8 && lat <= 53.6 && lon >= 73.5 && lon <= 135.1))
        return false;
    for (size_t i = 0; i < COUNT(mainland_core); i++)
        if (in_box(&mainland_core[i], lat, lon))
            return true;
    if (in_polygon(mainland, COUNT(mainland), lat, lon) ||
        in_polygon(hainan, COUNT(hainan), lat, lon) ||
        in_polygon(taiwan, COUNT(taiwan), lat, lon) ||
        in_polygon(south_china_sea, COUNT(south_china_sea), lat, lon))
        return true;
    for (size_t i = 0; i < COUNT(small_islands); i++)
        if (in_box(&small_islands[i], lat, lon))
            return true;
    return false;
}

/*
 * Allocated postal zones (first two digits), by province:
 *   01-02 Inner Mongolia  03-04 Shanxi   05-07 Hebei     10 Beijing
 *   11-12 Liaoning        13 Jilin       15-16 Heilongjiang
 *   20 Shanghai           21-22 Jiangsu  23-24 Anhui     25-27 Shandong
 *   30 Tianjin            31-32 Zhejiang 33-34 Jiangxi   35-36 Fujian
 *   40 Chongqing          41-42 Hunan    43-44 Hubei     45-47 Henan
 *   51-52 Guangdong       53-54 Guangxi  55-56 Guizhou   57 Hainan
 *   61-64 Sichuan         65-67 Yunnan   71-72 Shaanxi   73-74 Gansu
 *   75 Ningxia (and Alxa) 81 Qinghai     83-84 Xinjiang  85-86 Tibet
 * Everything else (00, 08, 09, 14, 17-19, 28-29, 37-39, 48-50, 58-60,
 * 68-70, 76-80, 82, 87-99) is unallocated.
 */
static bool postal_zone_allocated(int zone)
{
    switch (zone / 10) {
    case 0: return zone >= 1 && zone <= 7;
    case 1: return zone <= 13 || zone == 15 || zone == 16;
    case 2: return zone <= 27;
    case 3: return zone <= 36;
    case 4: return zone <= 47;
    case 5: return zone >= 51 && zone <= 57;
    case 6: return zone >= 61 && zone <= 67;
    case 7: return zone >= 71 && zone <= 75;
    case 8: return zone == 81 || (zone >= 83 && zone <= 86);
    default: return false;
    }
}

bool xb_valid_postal_code(const char *s, size_t n)
{
    if (!s || n != 6 || !xbv_all_digits(s, 6))
        return false;
    return postal_zone_allocated(xbv_two(s));
}

// The window front end of one engine: the run generator, the buffer read it
// issues (data back the next cycle), masking of out-of-image units, and the
// gearbox that packs the chunks into whole words of the window, counted.
// The binary engine uses it on bits (U = 48 x words per lane), the
// fixed-point engine on int8 bytes (U = MACs per lane).
module nb_window #(
  parameter int U = 48,
  parameter int UnitBits = 1,
  parameter int ReadStages = 1,  // cycles from rd_valid_o to rd_data_i
  parameter int ChunkStages = 0  // registers between the masked chunk and the gearbox (0 or 1)
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // a window: its position as counters, and the layer's pitches (nb_rungen)
  input  logic                      start_i,
  input  logic signed [31:0]        iy0_i,
  input  logic signed [31:0]        rowu0_i,
  input  logic signed [31:0]        colu_i,
  input  logic [15:0]               k_i,
  input  logic [15:0]               pad_i,
  input  logic [31:0]               pad_units_i,
  input  logic [31:0]               pad_rows_i,
  input  logic [31:0]               run_i,
  input  logic [15:0]               in_h_i,
  input  logic [31:0]               in_row_units_i,
  output logic                      ready_o,
  // run read of the activation buffer
  output logic                      rd_valid_o,
  output logic [31:0]               rd_addr_o,
  input  logic [U*UnitBits-1:0]     rd_data_i,   // ReadStages cycles after rd_valid_o
  // words of the window
  output logic                      word_valid_o,
  output logic [U*UnitBits-1:0]     word_o,
  output logic                      word_last_o,
  output logic [$clog2(U+1)-1:0]    word_count_o, // units of word_o that belong to the window (U but in the last)
  output logic [15:0]               word_idx_o   // index of word_o within its window
);
  localparam int CW = $clog2(U + 1);
  logic gen_last;
  logic [CW-1:0] gen_count;
  logic [CW-1:0] gen_lo, gen_hi;
  nb_rungen #(.U(U)) u_gen (
    .clk_i, .rst_ni, .start_i, .iy0_i, .rowu0_i, .colu_i, .k_i, .pad_i, .pad_units_i, .pad_rows_i, .run_i,
    .in_h_i, .in_row_units_i, .ready_o, .valid_o(rd_valid_o), .addr_o(rd_addr_o), .count_o(gen_count), .lo_o(gen_lo), .hi_o(gen_hi),
    .last_o(gen_last));

  // The chunk's metadata waits ReadStages cycles for its data (shift
  // registers, the oldest entry at the top).
  logic v_q, last_q;
  logic [CW-1:0] count_q;
  logic [U-1:0] mask_q;
  logic [U*UnitBits-1:0] chunk;
  logic flush;
  logic [ReadStages-1:0] vs_q, ls_q;
  logic [ReadStages*CW-1:0] cs_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) vs_q <= '0;
    else vs_q <= (vs_q << 1) | ReadStages'(rd_valid_o);
  end
  always_ff @(posedge clk_i) begin
    ls_q <= (ls_q << 1) | ReadStages'(gen_last);
    cs_q <= (cs_q << CW) | (ReadStages*CW)'(gen_count);
  end
  assign v_q = vs_q[ReadStages-1];
  assign last_q = ls_q[ReadStages-1];
  assign count_q = cs_q[(ReadStages-1)*CW +: CW];
  // The units to keep, [lo, hi) of the chunk, as a mask (thermometer codes):
  // with one stage decoded before it; with more, the bounds wait in the
  // first stage and the mask is decoded into the second (the generator's
  // clamp and the U compares are then not on one path).
  function automatic logic [U-1:0] in_image(input logic [CW-1:0] lo, input logic [CW-1:0] hi);
    for (int b = 0; b < U; b++) in_image[b] = CW'(b) >= lo && CW'(b) < hi;
  endfunction
  if (ReadStages == 1) begin : g_mask1
    logic [U-1:0] m_q;
    always_ff @(posedge clk_i) m_q <= in_image(gen_lo, gen_hi);
    assign mask_q = m_q;
  end else begin : g_mask
    logic [CW-1:0] lo_q, hi_q;
    logic [(ReadStages-1)*U-1:0] ms_q;
    always_ff @(posedge clk_i) begin
      lo_q <= gen_lo;
      hi_q <= gen_hi;
      ms_q <= (ms_q << U) | ((ReadStages-1)*U)'(in_image(lo_q, hi_q));
    end
    assign mask_q = ms_q[(ReadStages-2)*U +: U];
  end
  always_comb begin
    for (int b = 0; b < U; b++) chunk[b*UnitBits +: UnitBits] = mask_q[b] ? rd_data_i[b*UnitBits +: UnitBits] : '0;
  end
  // The chunk into the gearbox: as read and masked, or (ChunkStages = 1, wide
  // words) from a register, so that the read's select and the mask are not
  // on one path with the gearbox's shift. A pure delay: the chunk stream's
  // gaps (the one after a flushing window) keep their places.
  logic g_v, g_last;
  logic [CW-1:0] g_count;
  logic [U*UnitBits-1:0] g_chunk;
  if (ChunkStages == 0) begin : g_direct
    assign {g_v, g_last, g_count, g_chunk} = {v_q, last_q, count_q, chunk};
  end else begin : g_chunk_reg
    logic cv_q, cl_q;
    logic [CW-1:0] cc_q;
    logic [U*UnitBits-1:0] cd_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) cv_q <= 1'b0;
      else cv_q <= v_q;
    end
    always_ff @(posedge clk_i) begin
      cl_q <= last_q;
      cc_q <= count_q;
      cd_q <= chunk;
    end
    assign {g_v, g_last, g_count, g_chunk} = {cv_q, cl_q, cc_q, cd_q};
  end
  nb_gearbox #(.Units(U), .UnitBits(UnitBits)) u_gear (
    .clk_i, .rst_ni, .in_valid_i(g_v), .in_data_i(g_chunk), .in_count_i(g_count), .in_last_i(g_last),
    .flush_pending_o(flush), .out_valid_o(word_valid_o), .out_data_o(word_o), .out_last_o(word_last_o),
    .out_count_o(word_count_o));

  logic [15:0] idx_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) idx_q <= '0;
    else if (word_valid_o) idx_q <= word_last_o ? 16'd0 : idx_q + 16'd1;
  end
  assign word_idx_o = idx_q;

  initial if (ChunkStages < 0 || ChunkStages > 1) $fatal(1, "nb_window: ChunkStages must be 0 or 1");
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) assert (!(g_v && flush)) else $error("nb_window: chunk offered during a gearbox flush");
    // the gearbox flushes a window's last word (the chunk stream's one stall)
    if (rst_ni) c_gearbox_flush: cover (flush);
  end
`endif
endmodule
